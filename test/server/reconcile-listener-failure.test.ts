import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { LogCapture } from '../helpers/log-capture';
import { signUp, testConfig, type TestUser } from '../helpers/test-server';
import { sessionEntry } from './sync-helpers';

// The "rows reconciled" listeners (the team refresh) run in the reconciliation's transaction, with
// no savepoint of their own. When one fails, its failure aborts the transaction; the run is then
// redone without the listeners, so the rows are stored all the same and the failure is logged.

describeEachStore('reconciliation when a rows-reconciled listener fails', (store) => {
  let server: RunningServer;
  let user: TestUser;
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startServer({
      config: testConfig({ LOG_LEVEL: 'info' }),
      log: createLogger('info', logs.sink),
      database: store(),
      // Runs only when the test asks.
      sync: { registry: { reconcileDebounceMs: 600_000 } },
    });
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stores the rows, logs the failure and keeps calling the listener on later runs', async () => {
    let calls = 0;
    let failing = true;
    const off = server.ctx.projection.onRowsReconciled(async (client) => {
      calls++;
      // A statement of the listener's own that the store refuses, as a real failure would.
      if (failing) await client.query('SELECT 1 / 0');
    });
    logs.text = '';
    try {
      const entry = sessionEntry();
      const failuresBefore = server.ctx.registry.metrics.reconcileFailures;
      await server.ctx.registry.write(user.id, (doc) => doc.putSession(entry));
      await server.ctx.projection.reconcileNow(user.id);

      const { rows } = await store().pool.query<{ id: string }>(
        'SELECT id::text AS id FROM coding_sessions WHERE user_id = $1',
        [user.id],
      );
      expect(rows.map((r) => r.id)).toEqual([entry.id]);
      expect(calls).toBe(1);
      expect(logs.text).toContain('rows-reconciled listener failed; rows kept');
      expect(server.ctx.registry.metrics.reconcileFailures).toBe(failuresBefore);

      failing = false;
      await server.ctx.registry.write(user.id, (doc) =>
        doc.putSession({ ...entry, keystrokes: entry.keystrokes + 1 }),
      );
      await server.ctx.projection.reconcileNow(user.id);
      expect(calls).toBe(2);
    } finally {
      off();
    }
  });
});
