import { afterAll, beforeAll, expect, it } from 'vitest';
import { userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { Reconciler, type ReconcileItem } from '../../server/src/projection/reconciler';
import {
  TEST_BATCH_WINDOW_MS,
  earlyInWindow,
  insertUsers,
  sessionEntry,
  startSyncServer,
  waitFor,
} from './sync-helpers';

// Documents that fall due together are reconciled in one transaction. Whatever makes that
// transaction fail rolls it back, and each document is then reconciled alone, where the failure
// is handled for that document only: the others' rows are stored as if they had run alone.

const REFUSED_KEYSTROKES = 4343;

describeEachStore('documents reconciled together, when one of them fails', (store) => {
  let server: RunningServer;
  const metrics = () => server.ctx.registry.metrics;

  const storedIds = async (users: string[]) =>
    (
      await store().pool.query<{ id: string }>(
        'SELECT id::text AS id FROM coding_sessions WHERE user_id = ANY($1::uuid[]) ORDER BY id',
        [users],
      )
    ).rows.map((r) => r.id);
  /** Writes each user's entries (logged before it returns) early in a window: all fall due at its end. */
  const writeAll = async (entries: Map<string, ReturnType<typeof sessionEntry>[]>) => {
    await earlyInWindow();
    await Promise.all(
      [...entries].map(async ([userId, sessions]) => {
        await server.ctx.registry.write(userId, (doc) => {
          for (const entry of sessions) doc.putSession(entry);
        });
        await server.ctx.registry.peek(userDocName(userId))!.whenLogged();
      }),
    );
  };

  beforeAll(async () => {
    server = await startSyncServer(store(), {
      reconcileDebounceMs: 0,
      reconcileBatchWindowMs: TEST_BATCH_WINDOW_MS,
    });
    await store().pool.query(
      `ALTER TABLE coding_sessions ADD CONSTRAINT test_together_refused
       CHECK (keystrokes <> ${REFUSED_KEYSTROKES})`,
    );
  });
  afterAll(async () => {
    await store()
      .pool.query('ALTER TABLE coding_sessions DROP CONSTRAINT test_together_refused')
      .catch(() => undefined);
    await server?.close();
  });

  it('an entry the store refuses: the others of every document are stored', async () => {
    const users = await insertUsers(store().pool, 3);
    const doomed = sessionEntry({ keystrokes: REFUSED_KEYSTROKES });
    const fine = users.map(() => sessionEntry());
    const splitBefore = metrics().reconcileBatchesSplit;
    const failuresBefore = metrics().reconcileFailures;
    await writeAll(new Map(users.map((id, i) => [id, i === 1 ? [fine[i]!, doomed] : [fine[i]!]])));
    const expected = fine.map((e) => e.id).sort();
    await waitFor(async () => (await storedIds(users)).length >= expected.length, 'the rows');
    expect(await storedIds(users)).toEqual(expected);
    expect(metrics().reconcileBatchesSplit).toBe(splitBefore + 1);
    expect(metrics().reconcileFailures).toBe(failuresBefore);
  });

  it('a document whose generation moved meanwhile: dropped, the others stored', async () => {
    const users = await insertUsers(store().pool, 3);
    const first = users.map(() => sessionEntry());
    await writeAll(new Map(users.map((id, i) => [id, [first[i]!]])));
    await waitFor(async () => (await storedIds(users)).length === users.length, 'the first rows');

    const second = users.map(() => sessionEntry());
    const splitBefore = metrics().reconcileBatchesSplit;
    // The joint run waits until the generation moved (whatever the machine's pace).
    const proto = Reconciler.prototype as unknown as {
      reconcileMany: (items: readonly ReconcileItem[]) => Promise<unknown[]>;
    };
    const original = proto.reconcileMany;
    let purged!: () => void;
    const generationMoved = new Promise<void>((resolve) => (purged = resolve));
    proto.reconcileMany = async function (this: Reconciler, items) {
      await generationMoved;
      return original.call(this, items);
    };
    const moved = users[1]!;
    const kept = users.filter((id) => id !== moved);
    try {
      await writeAll(new Map(users.map((id, i) => [id, [second[i]!]])));
      // Logged, not yet reconciled: another instance purges the second user's document now.
      await store().pool.query(
        'UPDATE crdt_documents SET generation = generation + 1 WHERE doc_name = $1',
        [userDocName(moved)],
      );
      purged();
      await waitFor(
        async () => (await storedIds(kept)).length === 2 * kept.length,
        'the other documents’ rows',
      );
      // Redone one by one, the moved document may come after the others.
      await waitFor(
        () => server.ctx.registry.peek(userDocName(moved)) === undefined,
        'the moved document to be dropped',
      );
    } finally {
      proto.reconcileMany = original;
    }
    expect(await storedIds([moved])).toEqual([first[1]!.id]);
    expect(metrics().reconcileBatchesSplit).toBe(splitBefore + 1);
    expect(server.ctx.registry.peek(userDocName(moved))).toBeUndefined();
  });

  it('a failing rows listener: every document’s rows are kept', async () => {
    const users = await insertUsers(store().pool, 3);
    let calls = 0;
    const off = server.ctx.projection.onRowsReconciled(async (client) => {
      calls++;
      await client.query('SELECT 1 / 0');
    });
    try {
      const entries = users.map(() => sessionEntry());
      const splitBefore = metrics().reconcileBatchesSplit;
      await writeAll(new Map(users.map((id, i) => [id, [entries[i]!]])));
      const expected = entries.map((e) => e.id).sort();
      await waitFor(async () => (await storedIds(users)).length >= expected.length, 'the rows');
      expect(await storedIds(users)).toEqual(expected);
      expect(metrics().reconcileBatchesSplit).toBe(splitBefore + 1);
      // Once for the batch, once per document alone before it is redone without listeners.
      expect(calls).toBe(1 + users.length);
    } finally {
      off();
    }
  });
});
