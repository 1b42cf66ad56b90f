import type pg from 'pg';
import * as Y from 'yjs';
import type { ScheduledJob } from '../jobs/scheduler';
import type { FieldCipher } from '../privacy/cipher';
import type { SyncMetrics } from './sync-metrics';
import { maxId } from './log-ids';
import { updatePlace } from './log-places';

/** Documents with at least this many log entries are compacted. */
export const COMPACT_MIN_ENTRIES = 32;
/** Documents compacted per run, so one run stays short. */
const DOCS_PER_RUN = 50;

/**
 * Folds a document's log entries into one snapshot, in one transaction. Only
 * the rows that were read (and locked) are deleted, so an update appended
 * while compaction runs survives it. The snapshot is `encodeStateAsUpdate` of
 * a fresh Y.Doc, which keeps pending structs and garbage-collects deleted
 * content (what a user deleted does not linger in the log).
 *
 * The snapshot takes the id of the newest entry it merged, not a fresh one,
 * so it sits where its content ends and `reconciled_update_id` keeps its
 * meaning: if every merged entry was reconciled the snapshot is at or below
 * the mark (the catch-up does not reload the document), if one was not it is
 * above. Moving the mark up to a fresh id instead could hide from the
 * catch-up an update appended meanwhile, whose id is below the fresh one.
 * An instance that asks for a merged id by name gets the snapshot holding it
 * or, finding it gone, re-reads the whole log.
 * @returns how many entries were merged (0 when there was nothing to do).
 */
export async function compactDocument(
  client: pg.PoolClient,
  cipher: FieldCipher,
  docName: string,
  generation: number,
): Promise<number> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ id: string; user_id: string; payload: string }>(
      `SELECT u.id::text AS id, u.user_id::text AS user_id, u.payload FROM crdt_updates u
       WHERE u.doc_name = $1 AND u.generation = $2 ORDER BY u.id FOR UPDATE`,
      [docName, generation],
    );
    const place = updatePlace(docName, generation);
    const merged: string[] = [];
    const ydoc = new Y.Doc();
    for (const row of rows) {
      try {
        Y.applyUpdate(ydoc, cipher.decrypt(row.payload, place));
        merged.push(row.id);
      } catch {
        // Unreadable entries stay where they are; an operator may still recover the key.
      }
    }
    if (merged.length < 2) {
      await client.query('ROLLBACK');
      return 0;
    }
    const snapshot = Y.encodeStateAsUpdate(ydoc);
    ydoc.destroy();
    await client.query('DELETE FROM crdt_updates WHERE id = ANY($1::bigint[])', [merged]);
    await client.query(
      `INSERT INTO crdt_updates (id, doc_name, user_id, generation, kind, payload, byte_length)
       VALUES ($1::bigint, $2, $3, $4, 'snapshot', $5, $6)`,
      [
        merged.reduce(maxId),
        docName,
        rows[0]!.user_id,
        generation,
        cipher.encrypt(snapshot, place),
        snapshot.byteLength,
      ],
    );
    await client.query('COMMIT');
    return merged.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The scheduled compaction job (runs once across instances, under its advisory lock). */
export function compactionJob(
  cipher: FieldCipher,
  metrics: SyncMetrics,
  { everyMs = 10 * 60_000, minEntries = COMPACT_MIN_ENTRIES } = {},
): ScheduledJob {
  return {
    name: 'crdt-compaction',
    everyMs,
    async run(client) {
      const { rows } = await client.query<{ doc_name: string; generation: number }>(
        `SELECT u.doc_name, u.generation FROM crdt_updates u
         JOIN crdt_documents d ON d.doc_name = u.doc_name AND d.generation = u.generation
         GROUP BY u.doc_name, u.generation HAVING COUNT(*) >= $1 LIMIT $2`,
        [minEntries, DOCS_PER_RUN],
      );
      let entries = 0;
      for (const row of rows) {
        const merged = await compactDocument(client, cipher, row.doc_name, row.generation);
        if (merged > 0) metrics.compactions++;
        entries += merged;
      }
      return { documents: rows.length, entries };
    },
  };
}

/**
 * Compacts the document's current generation now, whatever its entry count:
 * for callers that just deleted content and want it out of the log (retention).
 * @returns how many entries were merged.
 */
export async function compactDocumentNow(
  pool: pg.Pool,
  cipher: FieldCipher,
  docName: string,
): Promise<number> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ generation: number }>(
      'SELECT generation FROM crdt_documents WHERE doc_name = $1',
      [docName],
    );
    const generation = rows[0]?.generation;
    return generation === undefined
      ? 0
      : await compactDocument(client, cipher, docName, generation);
  } finally {
    client.release();
  }
}
