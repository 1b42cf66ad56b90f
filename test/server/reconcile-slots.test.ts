import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { Reconciler } from '../../server/src/projection/reconciler';
import { sessionEntry, startSyncServer } from './sync-helpers';

// Scheduled reconciliations share a few slots across documents (the default
// is 2), so a burst over many documents does not take every store connection
// from the log appends writers wait for.
describeEachStore('scheduled reconciliations', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    // Debounce 0: every document's run is due on the next timers phase.
    server = await startSyncServer(store(), { reconcileDebounceMs: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('run at most two at a time, and every document is reconciled', async () => {
    const { rows } = await store().pool.query<{ id: string }>(
      `INSERT INTO users (email) SELECT 'slots-' || g || '-' || $1 || '@example.com'
       FROM generate_series(1, 6) g RETURNING id::text AS id`,
      [randomUUID()],
    );
    const proto = Reconciler.prototype as unknown as {
      reconcile: (...args: unknown[]) => Promise<unknown>;
    };
    const original = proto.reconcile;
    let entered = 0;
    let finished = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let allDone!: () => void;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    // Held at the door: only runs that got a slot get in.
    proto.reconcile = async function (this: unknown, ...args: unknown[]) {
      entered++;
      await gate;
      try {
        return await original.apply(this, args);
      } finally {
        if (++finished === rows.length) allDone();
      }
    };
    let inAtOnce: number;
    try {
      await Promise.all(
        rows.map(({ id }) =>
          server.ctx.registry.write(id, (doc) => doc.putSession(sessionEntry())),
        ),
      );
      // Created after the six debounce timers (same delay): fires after all of them.
      await new Promise((resolve) => setTimeout(resolve, 0));
      inAtOnce = entered;
      open();
      await done;
    } finally {
      proto.reconcile = original;
    }
    expect(inAtOnce).toBe(2);
    const { rows: counted } = await store().pool.query<{ n: number }>(
      'SELECT count(DISTINCT user_id)::int AS n FROM coding_sessions WHERE user_id = ANY($1::uuid[])',
      [rows.map((r) => r.id)],
    );
    expect(counted[0]!.n).toBe(rows.length);
  });
});
