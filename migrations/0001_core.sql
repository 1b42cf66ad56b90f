-- Mindful Code central schema, part 1: accounts (better-auth) and the seed's tables.
-- Runs unchanged on PostgreSQL 15+ and PGlite. Times are TIMESTAMPTZ (the seed's
-- TIMESTAMP loses the zone; the wire carries UTC ISO-8601 strings).
-- Encrypted columns (see server/src/privacy/cipher.ts) are TEXT envelopes; the
-- seed's JSONB/VARCHAR type is what they hold once decrypted.

-- One user table: the seed's `users`, which better-auth uses as its user model.
-- The password hash lives where better-auth keeps it: auth_accounts.password.
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(255) UNIQUE NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    email_verified BOOLEAN NOT NULL DEFAULT false,
    image TEXT,
    subscription_tier VARCHAR(20) NOT NULL DEFAULT 'free'
        CHECK (subscription_tier IN ('free', 'premium', 'team')),
    privacy_settings JSONB NOT NULL DEFAULT '{}',
    timezone VARCHAR(50) NOT NULL DEFAULT 'UTC',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE auth_sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    ip_address TEXT,
    user_agent TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);

CREATE TABLE auth_accounts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    access_token TEXT,
    refresh_token TEXT,
    id_token TEXT,
    access_token_expires_at TIMESTAMPTZ,
    refresh_token_expires_at TIMESTAMPTZ,
    scope TEXT,
    password TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX auth_accounts_user_idx ON auth_accounts (user_id);

CREATE TABLE auth_verifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    identifier TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX auth_verifications_identifier_idx ON auth_verifications (identifier);

-- Rate-limit counters for the auth routes, shared by every server instance.
-- The key is an IP address and path, never a user's data.
CREATE TABLE auth_rate_limits (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    key TEXT NOT NULL UNIQUE,
    count INTEGER NOT NULL,
    last_request BIGINT NOT NULL
);

-- Coding sessions. The id is made on the device (sessions start offline).
CREATE TABLE coding_sessions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    start_time TIMESTAMPTZ NOT NULL,
    end_time TIMESTAMPTZ,
    total_duration_ms BIGINT,
    active_duration_ms BIGINT,
    files_modified INTEGER DEFAULT 0,
    keystrokes INTEGER DEFAULT 0,
    lines_added INTEGER DEFAULT 0,
    lines_deleted INTEGER DEFAULT 0,
    language_breakdown JSONB,
    project_path TEXT,            -- encrypted: the seed's VARCHAR(500)
    environment_data TEXT,        -- encrypted: the seed's JSONB
    flow_state_periods JSONB,
    interruption_count INTEGER DEFAULT 0,
    error_rate DECIMAL(7,4),      -- errors per minute; the seed's (5,4) overflows at 10/min
    focus_score DECIMAL(3,2) CHECK (focus_score BETWEEN 0 AND 1),
    device_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX coding_sessions_user_start_idx ON coding_sessions (user_id, start_time DESC, id DESC);

CREATE TABLE flow_states (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id UUID NOT NULL REFERENCES coding_sessions(id) ON DELETE CASCADE,
    -- Denormalised owner: isolation checks and purge need no join.
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    start_time TIMESTAMPTZ NOT NULL,
    end_time TIMESTAMPTZ,
    duration_ms BIGINT,
    intensity_score DECIMAL(3,2) CHECK (intensity_score BETWEEN 0 AND 1),
    typing_rhythm_data TEXT,      -- encrypted: the seed's JSONB
    context_switches INTEGER,
    error_events TEXT,            -- encrypted: the seed's JSONB
    recovery_time_ms BIGINT,
    environmental_factors TEXT,   -- encrypted: the seed's JSONB
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX flow_states_session_idx ON flow_states (session_id);
CREATE INDEX flow_states_user_start_idx ON flow_states (user_id, start_time);

CREATE TABLE teams (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    owner_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    settings JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX teams_owner_idx ON teams (owner_id);

CREATE TABLE team_members (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role VARCHAR(50) NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    data_sharing_consent BOOLEAN NOT NULL DEFAULT false,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

CREATE TABLE user_insights (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    insight_type VARCHAR(100) NOT NULL,
    insight_data JSONB NOT NULL,
    confidence_score DECIMAL(3,2) CHECK (confidence_score BETWEEN 0 AND 1),
    date_range_start DATE,
    date_range_end DATE,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX user_insights_user_active_idx ON user_insights (user_id, is_active, insight_type);
