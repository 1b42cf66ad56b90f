import { randomInt } from 'node:crypto';
import type pg from 'pg';
import type { FieldCipher } from '../crypto/cipher';
import { compactDocumentNow } from './compaction';
import {
  GenerationMovedError,
  type DocumentLog,
  type LoadedLog,
  type LoggedUpdate,
} from './document-log';
import { GroupCommit } from './group-commit';
import { maxId } from './log-ids';
import { DOC_UPDATES_CHANNEL, subjectHash, updatePlace } from './log-places';

/** An update encrypted and waiting for its group commit. */
interface PendingAppend {
  userId: string;
  generation: number;
  payload: string;
  byteLength: number;
}

/**
 * The group commit's statement: appends updates of several documents, each
 * only at the generation its writer holds. Announced appends also notify the
 * other instances (`instance-fanout.ts`), tagged with this one's id.
 */
function appendStatement(announce: boolean): { name: string; text: string } {
  const announced = announce
    ? `pg_notify('${DOC_UPDATES_CHANNEL}', doc_name || '|' || generation || '|' || id || '|' || $6::text)`
    : '$6::text';
  return {
    name: announce ? 'mc_append_updates' : 'mc_append_updates_quiet',
    text: `WITH inserted AS (
       INSERT INTO crdt_updates (doc_name, user_id, generation, kind, payload, byte_length)
       SELECT d.doc_name, i.user_id, d.generation, 'update', i.payload, i.byte_length
       FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::int[])
              AS i(doc_name, user_id, generation, payload, byte_length)
       JOIN crdt_documents d ON d.doc_name = i.doc_name AND d.generation = i.generation
       -- Waits for a purge holding the row (FOR UPDATE), then re-reads it: without the lock
       -- an append that read the row before the purge committed could insert into the old
       -- generation after the purge's DELETE had looked, and outlive the purge.
       FOR KEY SHARE OF d
       RETURNING id, doc_name, generation)
     SELECT doc_name, id::text AS id, ${announced} AS announced
     FROM inserted`,
  };
}

/**
 * The {@link DocumentLog} in PostgreSQL or PGlite: `crdt_documents` (one row per
 * user document, with its generation) and `crdt_updates` (encrypted updates and
 * snapshots, appended before anything is acknowledged or broadcast).
 */
export class PgDocumentLog implements DocumentLog {
  /** Tags this instance's notifications, so it can ignore its own appends. */
  readonly instanceId = String(randomInt(1, 2 ** 47));
  private readonly appendStatement: { name: string; text: string };

  /**
   * @param announce whether each append is announced to other server instances
   *   (`pg_notify`, see `instance-fanout.ts`). Embedded PGlite serves one
   *   process, which nobody else can listen to: there the notification was a
   *   third of an append's cost (about 140 µs of 450).
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: FieldCipher,
    announce = true,
  ) {
    this.appendStatement = appendStatement(announce);
  }

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
  async currentGeneration(docName: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ generation: number | null }>(
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
    { afterId = '0', ids = [] }: { afterId?: string; ids?: string[] } = {},
  ): Promise<LoadedLog> {
    const { rows } = await this.pool.query<{
      id: string;
      kind: 'update' | 'snapshot';
      payload: string;
    }>(
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
   * Appends of different documents made while others are being written share
   * one statement and one commit ({@link GroupCommit}); each resolves once its
   * entry has committed.
   */
  append(docName: string, userId: string, generation: number, update: Uint8Array): Promise<string> {
    const payload = this.cipher.encrypt(update, updatePlace(docName, generation));
    return this.appends.submit(docName, {
      userId,
      generation,
      payload,
      byteLength: update.byteLength,
    });
  }

  private readonly appends = new GroupCommit<string, PendingAppend, string>((items) =>
    this.appendMany(items),
  );

  private async appendMany(
    items: { key: string; item: PendingAppend }[],
  ): Promise<(string | Error)[]> {
    const { rows } = await this.pool.query<{ doc_name: string; id: string }>({
      ...this.appendStatement,
      values: [
        items.map((i) => i.key),
        items.map((i) => i.item.userId),
        items.map((i) => i.item.generation),
        items.map((i) => i.item.payload),
        items.map((i) => i.item.byteLength),
        this.instanceId,
      ],
    });
    const ids = new Map(rows.map((row) => [row.doc_name, row.id]));
    return Promise.all(
      items.map(async ({ key, item }) => {
        const id = ids.get(key);
        if (id !== undefined) return id;
        return new GenerationMovedError(key, item.generation, await this.currentGeneration(key));
      }),
    );
  }

  /** Compacts the document's current generation now, whatever its entry count. */
  compact(docName: string): Promise<number> {
    return compactDocumentNow(this.pool, this.cipher, docName);
  }
}
