-- Mindful Code central schema, part 5: what the reconciler last wrote per row.
-- A keyed hash (HMAC, server/src/privacy/cipher.ts) of the document entry and
-- the privacy settings it was stored under. When a document is loaded again
-- (after an idle unload or a restart), unchanged entries are skipped instead of
-- rewriting every row of the user. Holds no readable data.
ALTER TABLE coding_sessions ADD COLUMN reconciled_fingerprint TEXT;
ALTER TABLE flow_states ADD COLUMN reconciled_fingerprint TEXT;
