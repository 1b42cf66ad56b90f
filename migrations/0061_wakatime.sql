-- WakaTime-compatible ingest. Raw heartbeats are kept so that sessions can be
-- rebuilt exactly when late or out-of-order heartbeats arrive (wakatime-cli
-- re-sends its offline queue); `fingerprint` (an HMAC of the heartbeat) makes
-- a re-sent heartbeat a no-op. `project`, `entity` and `branch` are sealed
-- envelopes; `entity` and `branch` are stored only when the user lets
-- project paths leave the device, `project` only when project names may be
-- tracked and synced. `entity_key` is an HMAC of the entity, enough to count
-- distinct files without keeping the path.
CREATE TABLE wakatime_heartbeats (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    time TIMESTAMPTZ NOT NULL,
    type VARCHAR(16) NOT NULL,
    category VARCHAR(64) NOT NULL,
    entity_key TEXT NOT NULL,
    entity TEXT,
    project TEXT,
    branch TEXT,
    language VARCHAR(64),
    is_write BOOLEAN NOT NULL DEFAULT false,
    lines INTEGER,
    lineno INTEGER,
    cursorpos INTEGER,
    editor VARCHAR(64),
    plugin VARCHAR(128),
    machine VARCHAR(128),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (user_id, fingerprint)
);
CREATE INDEX wakatime_heartbeats_user_time_idx ON wakatime_heartbeats (user_id, time);

-- Uploads of a WakaTime data export, with their progress.
CREATE TABLE wakatime_imports (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status VARCHAR(16) NOT NULL DEFAULT 'waiting'
        CHECK (status IN ('waiting', 'running', 'done', 'failed')),
    bytes_total BIGINT,
    bytes_read BIGINT NOT NULL DEFAULT 0,
    days_processed INTEGER NOT NULL DEFAULT 0,
    heartbeats_processed INTEGER NOT NULL DEFAULT 0,
    heartbeats_stored INTEGER NOT NULL DEFAULT 0,
    heartbeats_refused INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    finished_at TIMESTAMPTZ
);
CREATE INDEX wakatime_imports_user_idx ON wakatime_imports (user_id);

-- Heartbeats closer than this join into one duration (WakaTime's default: 15 min).
ALTER TABLE users ADD COLUMN wakatime_idle_timeout_s INTEGER NOT NULL DEFAULT 900
    CHECK (wakatime_idle_timeout_s BETWEEN 60 AND 7200);

-- Where a session came from, for sessions built from heartbeats (null otherwise).
ALTER TABLE coding_sessions ADD COLUMN editor VARCHAR(64);
ALTER TABLE coding_sessions ADD COLUMN machine VARCHAR(128);
ALTER TABLE coding_sessions ADD COLUMN category VARCHAR(64);
ALTER TABLE coding_sessions ADD COLUMN source VARCHAR(16);
