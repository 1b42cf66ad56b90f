import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { FieldCipher, GenerationMovedError, PgDocumentLog } from '@mindful/server';
import { userDocName } from '@mindful/shared';
import { describeEachStore } from '../helpers/databases';
import { TEST_ENCRYPTION_KEY } from '../helpers/test-server';
import { countQueries } from './query-counter';

// Appends of different documents made while others are being written go out
// together: one statement, one commit (server/src/sync/group-commit.ts).
describeEachStore('log appends share commits', (store) => {
  it('16 documents appending in one turn of the event loop take 1 statement (plus a read for the refused one), and each gets its own id or error', async () => {
    const db = store();
    const log = new PgDocumentLog(db.pool, new FieldCipher(TEST_ENCRYPTION_KEY, []));
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO users (email) SELECT 'gc-' || g || '-' || $1 || '@example.com'
       FROM generate_series(1, 16) g RETURNING id::text AS id`,
      [randomUUID()],
    );
    const docs = rows.map((row) => ({ userId: row.id, docName: userDocName(row.id) }));
    for (const doc of docs) await log.ensureDocument(doc.docName, doc.userId);

    const queries = countQueries();
    let outcomes: PromiseSettledResult<string>[];
    let statements: number;
    try {
      // The last document is asked at a generation it is not at (as after a purge).
      outcomes = await Promise.allSettled(
        docs.map((doc, i) =>
          log.append(doc.docName, doc.userId, i === 15 ? 7 : 1, new Uint8Array([i])),
        ),
      );
      statements = queries.take();
    } finally {
      queries.restore();
    }
    // All 16 wait for the end of the loop's turn and share one statement; the
    // refused one costs one more read (its current generation).
    expect(statements).toBe(2);
    const ids = outcomes.slice(0, 15).map((o) => (o.status === 'fulfilled' ? o.value : o.reason));
    expect(new Set(ids).size).toBe(15);
    for (const id of ids) expect(id).toMatch(/^\d+$/);
    const refused = outcomes[15]!;
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(GenerationMovedError);
    for (const [i, doc] of docs.slice(0, 15).entries()) {
      const loaded = await log.load(doc.docName, 1);
      expect(loaded.updates.map((u) => [...u.update])).toEqual([[i]]);
    }
  });

  it('an entry the store refuses fails alone; the others of its statement are logged', async () => {
    const db = store();
    const log = new PgDocumentLog(db.pool, new FieldCipher(TEST_ENCRYPTION_KEY, []));
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO users (email) SELECT 'gc2-' || g || '-' || $1 || '@example.com'
       FROM generate_series(1, 6) g RETURNING id::text AS id`,
      [randomUUID()],
    );
    const docs = rows.map((row) => ({ userId: row.id, docName: userDocName(row.id) }));
    for (const doc of docs) await log.ensureDocument(doc.docName, doc.userId);
    // The last one names a user that does not exist: the foreign key refuses it.
    const outcomes = await Promise.allSettled(
      docs.map((doc, i) =>
        log.append(doc.docName, i === 5 ? randomUUID() : doc.userId, 1, new Uint8Array([i])),
      ),
    );
    expect(outcomes.slice(0, 5).map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    expect(outcomes[5]!.status).toBe('rejected');
    for (const [i, doc] of docs.slice(0, 5).entries()) {
      const loaded = await log.load(doc.docName, 1);
      expect(loaded.updates.map((u) => [...u.update])).toEqual([[i]]);
    }
  });

  it('appends still go through after the pool replaced its connection (named statements are prepared again)', async () => {
    const db = store();
    const log = new PgDocumentLog(db.pool, new FieldCipher(TEST_ENCRYPTION_KEY, []));
    const { rows } = await db.pool.query<{ id: string }>(
      'INSERT INTO users (email) VALUES ($1) RETURNING id::text AS id',
      [`gc3-${randomUUID()}@example.com`],
    );
    const userId = rows[0]!.id;
    const docName = userDocName(userId);
    await log.ensureDocument(docName, userId);
    for (let round = 0; round < 3; round++) {
      await log.append(docName, userId, 1, new Uint8Array([round]));
      // Every client the pool holds is dropped, as after an idle timeout or a failure; on
      // PGlite the backend (and what it prepared) stays.
      const clients = await Promise.all(
        Array.from({ length: db.kind === 'pglite' ? 1 : 10 }, () => db.pool.connect()),
      );
      for (const client of clients) client.release(true);
    }
    const loaded = await log.load(docName, 1);
    expect(loaded.updates.map((u) => [...u.update])).toEqual([[0], [1], [2]]);
  });
});
