import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { sessionEntry, startSyncServer } from './sync-helpers';

// The reconciler writes the changed entries of a table in one statement. When the store refuses
// that statement (here: a CHECK constraint this file adds, so an entry valid everywhere else is
// refused by PostgreSQL itself), the run is repeated row by row: the refused entry is quarantined,
// the others of the same batch are stored, and later runs go back to one statement.

const REFUSED_KEYSTROKES = 4242;

describeEachStore('reconciliation when the store refuses a batched upsert', (store) => {
  let server: RunningServer;
  let user: TestUser;
  const metrics = () => server.ctx.registry.metrics;
  const storedIds = async () =>
    (
      await store().pool.query<{ id: string }>(
        'SELECT id::text AS id FROM coding_sessions WHERE user_id = $1 ORDER BY id',
        [user.id],
      )
    ).rows.map((r) => r.id);

  beforeAll(async () => {
    server = await startSyncServer(store(), { reconcileDebounceMs: 600_000 });
    user = await signUp(server.url);
    await store().pool.query(
      `ALTER TABLE coding_sessions ADD CONSTRAINT test_refused_keystrokes
       CHECK (keystrokes <> ${REFUSED_KEYSTROKES})`,
    );
  });
  afterAll(async () => {
    await store()
      .pool.query('ALTER TABLE coding_sessions DROP CONSTRAINT test_refused_keystrokes')
      .catch(() => undefined);
    await server?.close();
  });

  it('stores the rest of the batch and quarantines only the refused entry', async () => {
    const doomed = sessionEntry({ keystrokes: REFUSED_KEYSTROKES });
    const fine = [sessionEntry(), sessionEntry()];
    const refusedBefore = metrics().entriesRejectedByStore;
    const failuresBefore = metrics().reconcileFailures;
    await server.ctx.registry.write(user.id, (doc) => {
      for (const entry of [fine[0]!, doomed, fine[1]!]) doc.putSession(entry);
    });
    await server.ctx.projection.reconcileNow(user.id);
    expect(await storedIds()).toEqual(fine.map((e) => e.id).sort());
    expect(metrics().entriesRejectedByStore).toBe(refusedBefore + 1);
    expect(metrics().reconcileFailures).toBe(failuresBefore);

    // The next run leaves the quarantined entry out and writes the new one.
    const later = sessionEntry();
    await server.ctx.registry.write(user.id, (doc) => doc.putSession(later));
    await server.ctx.projection.reconcileNow(user.id);
    expect(await storedIds()).toEqual([...fine, later].map((e) => e.id).sort());
    expect(metrics().entriesRejectedByStore).toBe(refusedBefore + 1);

    // Once the entry changes into something the store takes, it is stored.
    await server.ctx.registry.write(user.id, (doc) => doc.putSession({ ...doomed, keystrokes: 1 }));
    await server.ctx.projection.reconcileNow(user.id);
    expect(await storedIds()).toEqual([...fine, later, doomed].map((e) => e.id).sort());
  });
});
