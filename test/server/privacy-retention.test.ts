import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc } from '@mindful/shared';
import { type RunningServer, retentionJob } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import { connectReplica, startSyncServer, synced, waitFor } from './sync-helpers';

describeEachStore('retention', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('deletes sessions older than the user’s retention centrally and in a connected replica, keeps newer ones', async () => {
    const user = await signUp(server.url);
    const keeper = await signUp(server.url);
    const start = async (who: typeof user, startTime: string) => {
      const response = await authedFetch(server.url, who.token, '/api/sessions/start', {
        method: 'POST',
        body: { start_time: startTime },
      });
      return ((await response.json()) as { id: string }).id;
    };
    const now = new Date('2026-03-01T12:00:00Z');
    const old = await start(user, '2026-01-01T09:00:00Z');
    const recent = await start(user, '2026-02-25T09:00:00Z');
    const othersOld = await start(keeper, '2026-01-01T09:00:00Z');
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { retention_days: 30 },
    });
    const pool = store().pool;
    await waitFor(
      async () =>
        (
          await pool.query('SELECT 1 FROM coding_sessions WHERE id = ANY($1::uuid[])', [
            [old, recent, othersOld],
          ])
        ).rowCount === 3,
      'rows',
    );

    const doc = new Y.Doc();
    const replica = connectReplica(server.url, user, { doc });
    await synced(replica);
    expect(new UserDoc(doc).getSession(old)).toBeDefined();

    const outcome = await server.ctx.jobs.runNow(
      retentionJob(pool, server.ctx.registry, () => now),
    );
    expect(outcome).toEqual({ ran: true });

    await waitFor(
      () => new UserDoc(doc).getSession(old) === undefined,
      'the replica to drop the expired session',
    );
    expect(new UserDoc(doc).getSession(recent)).toBeDefined();
    const { rows } = await pool.query(
      'SELECT id FROM coding_sessions WHERE id = ANY($1::uuid[]) ORDER BY id',
      [[old, recent, othersOld]],
    );
    expect(rows.map((row) => row.id).sort()).toEqual([recent, othersOld].sort());
    replica.destroy();
  });
});
