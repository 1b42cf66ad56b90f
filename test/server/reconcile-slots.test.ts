import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

/** How many of `users` have their session row. */
async function reconciledUsers(pool: pg.Pool, users: string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(DISTINCT user_id)::int AS n FROM coding_sessions WHERE user_id = ANY($1::uuid[])',
    [users],
  );
  return rows[0]!.n;
}

/**
 * Wraps `Reconciler.prototype.reconcileMany` (what a slot runs) while `work`
 * runs: every call is held at the door until `entered` says enough are in
 * (or 5 s passed), and its documents are recorded, with how many calls were
 * inside at once.
 */
async function watchSlots(
  users: number,
  entered: (batches: number[]) => boolean,
  work: () => Promise<void>,
): Promise<{ batches: number[]; inAtOnce: number }> {
  const proto = Reconciler.prototype as unknown as {
    reconcileMany: (items: readonly ReconcileItem[]) => Promise<unknown[]>;
  };
  const original = proto.reconcileMany;
  const batches: number[] = [];
  let inside = 0;
  let inAtOnce = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  let reconciled = 0;
  proto.reconcileMany = async function (this: Reconciler, items) {
    batches.push(items.length);
    inAtOnce = Math.max(inAtOnce, ++inside);
    await gate;
    try {
      return await original.call(this, items);
    } finally {
      inside--;
      reconciled += items.length;
      if (reconciled >= users) allDone();
    }
  };
  try {
    await earlyInWindow();
    await work();
    // The documents fall due on the next window boundary.
    await waitFor(
      () => entered(batches),
      'reconciliations to start',
      TEST_BATCH_WINDOW_MS + 3_000,
    ).catch(() => {});
    // Room for one too many to get in.
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    await done;
  } finally {
    proto.reconcileMany = original;
  }
  return { batches, inAtOnce };
}

// Scheduled reconciliations fall due on multiples of a window; the documents
// due together are reconciled in one transaction, and such transactions take
// a few slots across documents (the default is 2), so a burst over many
// documents neither costs a transaction per document nor takes every store
// connection from the log appends writers wait for.
describeEachStore('scheduled reconciliations', (store) => {
  let batched: RunningServer;
  let small: RunningServer;
  beforeAll(async () => {
    // Debounce 0; writes made early in a window all fall due at its end.
    batched = await startSyncServer(store(), {
      reconcileDebounceMs: 0,
      reconcileBatchWindowMs: TEST_BATCH_WINDOW_MS,
    });
    small = await startSyncServer(store(), {
      reconcileDebounceMs: 0,
      reconcileBatchWindowMs: TEST_BATCH_WINDOW_MS,
      maxReconcileBatch: 2,
    });
  });
  afterAll(async () => {
    await batched?.close();
    await small?.close();
  });

  it('reconciles documents that fall due together in one transaction', async () => {
    const users = await insertUsers(store().pool, 6);
    const before = batched.ctx.registry.metrics.reconcileBatches;
    const all = (batches: number[]) => batches.reduce((a, b) => a + b, 0) >= users.length;
    const { batches } = await watchSlots(users.length, all, async () => {
      await Promise.all(
        users.map((id) => batched.ctx.registry.write(id, (doc) => doc.putSession(sessionEntry()))),
      );
    });
    expect(batches).toEqual([6]);
    expect(batched.ctx.registry.metrics.reconcileBatches - before).toBe(1);
    expect(await reconciledUsers(store().pool, users)).toBe(users.length);
  });

  it('runs at most two transactions at a time, each of at most the batch size', async () => {
    const users = await insertUsers(store().pool, 6);
    const { batches, inAtOnce } = await watchSlots(
      users.length,
      (b) => b.length >= 2,
      async () => {
        await Promise.all(
          users.map((id) => small.ctx.registry.write(id, (doc) => doc.putSession(sessionEntry()))),
        );
      },
    );
    expect(batches).toEqual([2, 2, 2]);
    expect(inAtOnce).toBe(2);
    expect(await reconciledUsers(store().pool, users)).toBe(users.length);
  });
});
