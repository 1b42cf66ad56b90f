import { createHash, randomInt } from 'node:crypto';
import type pg from 'pg';
import type { FieldCipher } from '../privacy/cipher';
import { placeOf } from '../privacy/cipher';

/** The document's generation moved on while we were writing to it (a purge). */
export class GenerationMovedError extends Error {
  constructor(
    readonly docName: string,
    readonly expected: number,
    readonly current: number | null,
  ) {
    super(`Document ${docName} is at generation ${current ?? '(deleted)'}, not ${expected}`);
    this.name = 'GenerationMovedError';
  }
}

/** Anything `pg` can run a query on: a pool or one client. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** One stored entry of the log, decrypted. */
export interface LoggedUpdate {
  id: string;
  kind: 'update' | 'snapshot';
  update: Uint8Array;
}

/**
 * The channel on which instances sharing one PostgreSQL announce log changes.
 * Payload: `<doc_name>|<generation>|<id>|<instance>` (a name and numbers
 * only, never user data): an appended entry and the instance that appended
 * it, or with id and instance 0 a new generation (a purge).
 */
export const DOC_UPDATES_CHANNEL = 'mindful_doc_updates';

/** Compares two log ids (bigint as decimal text). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of two log ids. */
export function maxId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b;
}

/** SHA-256 hex of a document name: the subject of its purge tombstone. */
export function subjectHash(docName: string): string {
  return createHash('sha256').update(docName).digest('hex');
}

/**
 * Associated data of a logged update: the document and its generation, so a
 * payload copied to another document or replayed into a later generation
 * fails to decrypt.
 */
export function updatePlace(docName: string, generation: number): string {
  return placeOf('crdt_updates', 'payload', `${docName}#${generation}`);
}

/**
 * The durable half of the replication channel: `crdt_documents` (one row per
 * user document, with its generation) and `crdt_updates` (encrypted updates and
 * snapshots, appended before anything is acknowledged or broadcast).
 */
export class UpdateLog {
  /** Tags this instance's notifications, so it can ignore its own appends. */
  readonly instanceId = String(randomInt(1, 2 ** 47));

  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: FieldCipher,
  ) {}

  /**
   * The document's current generation, creating its row on first use. A
   * document whose row is gone but which has a purge tombstone starts at the
   * tombstone's generation, so an old replica can never roll it back.
   */
  async ensureDocument(docName: string, userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ generation: number }>(
      `WITH inserted AS (
         INSERT INTO crdt_documents (doc_name, user_id, generation)
         VALUES ($1, $2, COALESCE((SELECT generation FROM purge_tombstones WHERE subject_hash = $3), 1))
         ON CONFLICT (doc_name) DO NOTHING
         RETURNING generation)
       SELECT generation FROM inserted
       UNION ALL SELECT generation FROM crdt_documents WHERE doc_name = $1
       LIMIT 1`,
      [docName, userId, subjectHash(docName)],
    );
    const generation = rows[0]?.generation;
    if (generation === undefined) throw new Error(`Could not create document ${docName}`);
    return generation;
  }

  /**
   * The generation a replica must hold to connect: the document's, or for a
   * document that no longer exists, its tombstone's. Null when neither exists.
   */
  async currentGeneration(docName: string, db: Queryable = this.pool): Promise<number | null> {
    const { rows } = await db.query<{ generation: number | null }>(
      `SELECT GREATEST(
         (SELECT generation FROM crdt_documents WHERE doc_name = $1),
         (SELECT generation FROM purge_tombstones WHERE subject_hash = $2)) AS generation`,
      [docName, subjectHash(docName)],
    );
    return rows[0]?.generation ?? null;
  }

  /**
   * Every logged entry of the document's generation, oldest first, decrypted.
   * An entry that no longer decrypts (a retired key, tampering) is counted in
   * `skipped` rather than failing the whole document. With `afterId`, only the
   * entries after it (plus any of `ids`, which may have committed late).
   */
  async load(
    docName: string,
    generation: number,
    db: Queryable = this.pool,
    { afterId = '0', ids = [] }: { afterId?: string; ids?: string[] } = {},
  ): Promise<{ updates: LoggedUpdate[]; skipped: number; lastId: string }> {
    const { rows } = await db.query<{ id: string; kind: 'update' | 'snapshot'; payload: string }>(
      `SELECT id::text AS id, kind, payload FROM crdt_updates
       WHERE doc_name = $1 AND generation = $2 AND (id > $3::bigint OR id = ANY($4::bigint[]))
       ORDER BY id`,
      [docName, generation, afterId, ids],
    );
    const place = updatePlace(docName, generation);
    const updates: LoggedUpdate[] = [];
    let skipped = 0;
    let lastId = afterId;
    for (const row of rows) {
      lastId = maxId(lastId, row.id);
      try {
        updates.push({
          id: row.id,
          kind: row.kind,
          update: new Uint8Array(this.cipher.decrypt(row.payload, place)),
        });
      } catch {
        skipped++;
      }
    }
    return { updates, skipped, lastId };
  }

  /**
   * Appends an update, but only while the document is still at `generation`:
   * an update racing a purge is refused with {@link GenerationMovedError}
   * instead of landing in the new generation or surviving in the old one. The same statement notifies the
   * other instances on {@link DOC_UPDATES_CHANNEL} (delivered at commit).
   */
  async append(
    docName: string,
    userId: string,
    generation: number,
    update: Uint8Array,
  ): Promise<string> {
    const payload = this.cipher.encrypt(update, updatePlace(docName, generation));
    const result = await this.pool.query<{ id: string }>(
      `WITH inserted AS (
         INSERT INTO crdt_updates (doc_name, user_id, generation, kind, payload, byte_length)
         SELECT doc_name, $2, generation, 'update', $4, $5 FROM crdt_documents
         WHERE doc_name = $1 AND generation = $3
         -- Waits for a purge holding the row (FOR UPDATE), then re-reads it: without the lock
         -- an append that read the row before the purge committed could insert into the old
         -- generation after the purge's DELETE had looked, and outlive the purge.
         FOR KEY SHARE
         RETURNING id, doc_name, generation)
       SELECT id::text AS id,
              pg_notify('${DOC_UPDATES_CHANNEL}',
                        doc_name || '|' || generation || '|' || id || '|' || $6::text) AS notified
       FROM inserted`,
      [docName, userId, generation, payload, update.byteLength, this.instanceId],
    );
    const id = result.rows[0]?.id;
    if (id === undefined) {
      throw new GenerationMovedError(docName, generation, await this.currentGeneration(docName));
    }
    return id;
  }

  /** The newest log id of the document (what its in-memory state covers once loaded). */
  async lastId(docName: string, generation: number): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT COALESCE(MAX(id), 0)::text AS id FROM crdt_updates WHERE doc_name = $1 AND generation = $2`,
      [docName, generation],
    );
    return rows[0]?.id ?? '0';
  }

  /** Documents whose log holds updates newer than their last reconciliation. */
  async unreconciled(limit: number): Promise<{ docName: string; userId: string }[]> {
    const { rows } = await this.pool.query<{ doc_name: string; user_id: string }>(
      `SELECT d.doc_name, d.user_id::text AS user_id FROM crdt_documents d
       WHERE EXISTS (SELECT 1 FROM crdt_updates u
                     WHERE u.doc_name = d.doc_name AND u.generation = d.generation
                       AND u.id > d.reconciled_update_id)
       LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ docName: row.doc_name, userId: row.user_id }));
  }

  /** Seals a snapshot for storage (compaction writes it in its own transaction). */
  sealSnapshot(docName: string, generation: number, update: Uint8Array): string {
    return this.cipher.encrypt(update, updatePlace(docName, generation));
  }
}
