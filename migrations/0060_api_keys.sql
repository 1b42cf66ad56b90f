-- API keys for editors and scripts (WakaTime clients). Only the SHA-256 of a
-- key is stored; the key itself is shown once, when it is created. A revoked
-- key keeps its row (so the owner sees when it was revoked) and is refused at
-- once: every request reads this table, nothing is cached.
CREATE TABLE api_keys (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);
