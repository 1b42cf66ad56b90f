import { afterAll, beforeAll, expect, it } from 'vitest';
import { sessionEntrySchema } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { sessionEntry, startSyncServer } from './sync-helpers';

/**
 * A reconciliation's work follows what changed, not the size of the document:
 * a user with years of sessions changes one, and the run validates and
 * fingerprints that one (counted, not timed). Before, every run parsed and
 * fingerprinted every entry of the document.
 */
describeEachStore('reconciliation work per change', (store) => {
  let server: RunningServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await startSyncServer(store(), { reconcileDebounceMs: 600_000 });
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Counts calls of `object[method]` while `work` runs. */
  async function counting<T extends object>(
    object: T,
    method: keyof T,
    work: () => Promise<void>,
  ): Promise<number> {
    const original = object[method] as (...args: unknown[]) => unknown;
    let calls = 0;
    (object as Record<keyof T, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
    try {
      await work();
    } finally {
      (object as Record<keyof T, unknown>)[method] = original;
    }
    return calls;
  }

  it('validates and fingerprints only the entry that changed', async () => {
    const entries = Array.from({ length: 200 }, () => sessionEntry());
    await server.ctx.registry.write(user.id, (doc) => {
      for (const entry of entries) doc.putSession(entry);
    });
    await server.ctx.projection.reconcileNow(user.id);

    const changeOne = async () => {
      await server.ctx.registry.write(user.id, (doc) =>
        doc.putSession({ ...entries[7]!, keystrokes: entries[7]!.keystrokes + 1 }),
      );
      await server.ctx.projection.reconcileNow(user.id);
    };
    const parses = await counting(sessionEntrySchema, 'safeParse', async () => {
      const prints = await counting(server.ctx.cipher, 'fingerprint', changeOne);
      expect(prints).toBe(1);
    });
    // putSession validates the new value; the reconciliation reads it once.
    expect(parses).toBe(2);
    const row = await store().pool.query<{ keystrokes: number }>(
      'SELECT keystrokes FROM coding_sessions WHERE id = $1',
      [entries[7]!.id],
    );
    expect(row.rows[0]?.keystrokes).toBe(entries[7]!.keystrokes + 1);
  });
});
