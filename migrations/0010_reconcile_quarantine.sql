-- A document whose reconciliation keeps failing for a reason other than the
-- database being away is quarantined up to the log id it was read at: the
-- start-up and periodic catch-up skip it until a newer update arrives, so it
-- is not retried for ever (also not after a restart). Names and ids only.
ALTER TABLE crdt_documents ADD COLUMN quarantined_update_id BIGINT;
