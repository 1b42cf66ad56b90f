-- Mindful Code central schema, part 3: team aggregates and burnout alerts.
-- Everything here is derived from coding_sessions of members who consented
-- (team_members.data_sharing_consent) and is recomputed, never patched, when
-- consent or membership changes (server/src/teams/team-metrics.ts).

-- A member may additionally agree to be named in burnout alerts; without it
-- alerts only ever carry team-level counts.
ALTER TABLE team_members
    ADD COLUMN individual_alerts_opt_in BOOLEAN NOT NULL DEFAULT false;

-- One row per team and UTC day (the UTC date of a session's start_time) with
-- at least one consenting contributor. Rows below TEAM_MIN_GROUP_SIZE are kept
-- (the threshold is configuration and may change) but never served.
CREATE TABLE team_daily_metrics (
    team_id UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    date DATE NOT NULL,
    contributors INTEGER NOT NULL,
    session_count INTEGER NOT NULL,
    average_focus DOUBLE PRECISION,           -- mean focus_score of sessions that have one
    average_session_minutes DOUBLE PRECISION, -- mean total_duration_ms / 60000 of ended sessions
    flow_periods DOUBLE PRECISION NOT NULL,   -- mean flow periods per session (null array = 0)
    flow_minutes DOUBLE PRECISION NOT NULL,   -- mean summed flow-period duration_ms per session / 60000
    interruptions INTEGER NOT NULL,           -- sum of interruption_count
    computed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (team_id, date)
);

-- The same per UTC hour of start_time: the basis of peak-hour insights.
CREATE TABLE team_hourly_metrics (
    team_id UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    date DATE NOT NULL,
    hour SMALLINT NOT NULL CHECK (hour BETWEEN 0 AND 23),
    contributors INTEGER NOT NULL,
    session_count INTEGER NOT NULL,
    average_focus DOUBLE PRECISION,
    interruptions INTEGER NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (team_id, date, hour)
);

-- Team-level burnout alerts: counts only. Members who set
-- individual_alerts_opt_in are named in team_alert_members.
CREATE TABLE team_alerts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    rule VARCHAR(50) NOT NULL,
    week_start DATE NOT NULL,
    week_end DATE NOT NULL,
    affected_members INTEGER NOT NULL,
    evaluated_members INTEGER NOT NULL,
    message TEXT NOT NULL,
    evidence JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX team_alerts_team_created_idx ON team_alerts (team_id, created_at DESC);

-- A row per opted-in member an alert names; a user's purge removes it with
-- the user (or by user_id for a data-only purge).
CREATE TABLE team_alert_members (
    alert_id UUID NOT NULL REFERENCES team_alerts(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dates JSONB NOT NULL DEFAULT '[]',
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX team_alert_members_user_idx ON team_alert_members (user_id);
