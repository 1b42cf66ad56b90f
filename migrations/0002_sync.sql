-- Mindful Code central schema, part 2: the replication channel.
-- Each user has one Yjs document, `user:<user_id>`. Its updates are logged here
-- (encrypted) before they are acknowledged; compaction folds them into a snapshot.

CREATE TABLE crdt_documents (
    doc_name TEXT PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    -- Moves on every purge; a replica holding an older generation must wipe.
    generation INTEGER NOT NULL DEFAULT 1 CHECK (generation > 0),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE crdt_updates (
    id BIGSERIAL PRIMARY KEY,
    doc_name TEXT NOT NULL REFERENCES crdt_documents(doc_name) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('update', 'snapshot')),
    payload TEXT NOT NULL,        -- encrypted Yjs update (server/src/privacy/cipher.ts)
    byte_length INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX crdt_updates_doc_idx ON crdt_updates (doc_name, id);

-- Outlives every other row of a purged user, and holds no personal data: the
-- subject is a SHA-256 of the document name, so a returning replica can be told
-- to wipe without the server keeping who it was.
CREATE TABLE purge_tombstones (
    subject_hash TEXT PRIMARY KEY,
    generation INTEGER NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('all', 'data')),
    purged_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
