import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc, userDocName } from '@mindful/shared';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { LogCapture } from '../helpers/log-capture';
import { authedFetch, signUp, testConfig } from '../helpers/test-server';
import { connectReplica, sessionEntry, synced, waitFor } from './sync-helpers';

const SECRET_PATH = '/home/ada/TangerineProject';

describeEachStore(
  'hardening: what can never reconcile is quarantined, not retried for ever',
  (store) => {
    let server: RunningServer;
    const logs = new LogCapture();
    beforeAll(async () => {
      const config = testConfig({ LOG_LEVEL: 'info' });
      server = await startServer({
        config,
        log: createLogger('info', logs.sink),
        database: store(),
        sync: { registry: { reconcileDebounceMs: 20, reconcileRetryMs: 30, idleUnloadMs: 200 } },
      });
    });
    afterAll(async () => {
      await server?.close();
    });
    const metrics = () => server.ctx.registry.metrics;
    const rowExists = async (id: string) =>
      (await store().pool.query('SELECT 1 FROM coding_sessions WHERE id = $1', [id])).rowCount ===
      1;

    it('an entry the store refuses is counted and logged once, by key, and not tried again', async () => {
      const user = await signUp(server.url);
      const doc = new Y.Doc();
      const replica = connectReplica(server.url, user, { doc });
      try {
        await synced(replica);
        const userDoc = new UserDoc(doc);
        // Valid for the schema (error_rate up to 1000), too large for DECIMAL(7,4).
        const doomed = sessionEntry({ error_rate: 1000, project_path: SECRET_PATH });
        const fine = sessionEntry();
        const refusedBefore = metrics().entriesRejectedByStore;
        userDoc.putSession(doomed);
        userDoc.putSession(fine);
        await waitFor(() => rowExists(fine.id), 'the good entry beside the refused one');
        expect(metrics().entriesRejectedByStore).toBe(refusedBefore + 1);
        // More changes to the document reconcile again; the refused entry is not retried.
        for (let i = 0; i < 3; i++) {
          const more = sessionEntry();
          userDoc.putSession(more);
          await waitFor(() => rowExists(more.id), 'a later entry');
        }
        expect(metrics().entriesRejectedByStore).toBe(refusedBefore + 1);
        expect(await rowExists(doomed.id)).toBe(false);
        const refusals = logs.text
          .split('\n')
          .filter((line) => line.includes('entry refused by the store'));
        expect(refusals.filter((line) => line.includes(doomed.id))).toHaveLength(1);
        expect(logs.text).not.toContain(SECRET_PATH);
      } finally {
        replica.destroy();
      }
    });

    it('a document whose reconciliation always fails is quarantined after a few runs and unloads', async () => {
      const user = await signUp(server.url);
      // A store that refuses every projection of this user's settings: a fault that no retry fixes.
      await store().pool.query(`
      CREATE OR REPLACE FUNCTION refuse_settings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'P0001'; END $$`);
      await store().pool.query(
        `CREATE TRIGGER refuse_settings_${user.id.replace(/-/g, '')} BEFORE UPDATE ON users
       FOR EACH ROW WHEN (OLD.id = '${user.id}'::uuid) EXECUTE FUNCTION refuse_settings()`,
      );
      const failuresBefore = metrics().reconcileFailures;
      const quarantinedBefore = metrics().documentsQuarantined;
      const doc = new Y.Doc();
      const replica = connectReplica(server.url, user, { doc });
      try {
        await synced(replica);
        new UserDoc(doc).putSession(sessionEntry({ project_path: SECRET_PATH }));
        await waitFor(
          () => metrics().documentsQuarantined === quarantinedBefore + 1,
          'the document to be quarantined',
        );
        const failures = metrics().reconcileFailures - failuresBefore;
        expect(failures).toBe(3);
      } finally {
        replica.destroy();
      }
      // Nothing holds it any more: it unloads, and no retry is scheduled.
      await waitFor(
        () => server.ctx.registry.peek(userDocName(user.id)) === undefined,
        'the quarantined document to unload',
      );
      // The catch-up (start-up and periodic) skips it too.
      expect(await server.ctx.projection.reconcilePending()).toBe(0);
      expect(metrics().reconcileFailures - failuresBefore).toBe(3);
      expect(logs.text).toContain('document quarantined until its next change');
      expect(logs.text).not.toContain(SECRET_PATH);
      // REST still answers for the account.
      expect((await authedFetch(server.url, user.token, '/api/privacy/settings')).status).toBe(200);
    });
  },
);
