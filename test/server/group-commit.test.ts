import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { FieldCipher, GenerationMovedError, PgDocumentLog } from '@mindful/server';
import { userDocName } from '@mindful/shared';
import { describeEachStore } from '../helpers/databases';
import { TEST_ENCRYPTION_KEY } from '../helpers/test-server';

// Appends of different documents made while others are being written go out
// together: one statement, one commit (server/src/sync/group-commit.ts).
describeEachStore('log appends share commits', (store) => {
  it('16 documents appending at once take 3 statements (plus a read for the refused one), and each gets its own id or error', async () => {
    const db = store();
    const log = new PgDocumentLog(db.pool, new FieldCipher(TEST_ENCRYPTION_KEY, []));
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO users (email) SELECT 'gc-' || g || '-' || $1 || '@example.com'
       FROM generate_series(1, 16) g RETURNING id::text AS id`,
      [randomUUID()],
    );
    const docs = rows.map((row) => ({ userId: row.id, docName: userDocName(row.id) }));
    for (const doc of docs) await log.ensureDocument(doc.docName, doc.userId);

    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    let statements = 0;
    proto.query = function (this: unknown, ...args: unknown[]) {
      statements++;
      return original.apply(this, args);
    };
    let outcomes: PromiseSettledResult<string>[];
    try {
      // The last document is asked at a generation it is not at (as after a purge).
      outcomes = await Promise.allSettled(
        docs.map((doc, i) =>
          log.append(doc.docName, doc.userId, i === 15 ? 7 : 1, new Uint8Array([i])),
        ),
      );
    } finally {
      proto.query = original;
    }
    // Two go out at once (two slots), the other 14 share the third statement;
    // the refused one costs one more read (its current generation).
    expect(statements).toBe(4);
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
});
