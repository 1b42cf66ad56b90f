-- Mindful Code central schema, part 4: reconciliation bookkeeping.
-- The id of the last logged update whose effect is in coding_sessions/flow_states.
-- A document with a newer update (a crash between logging and reconciling) is
-- reconciled again at start-up, without waiting for a replica to reconnect.
ALTER TABLE crdt_documents ADD COLUMN reconciled_update_id BIGINT NOT NULL DEFAULT 0;
