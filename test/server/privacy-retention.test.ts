import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UserDoc, userDocName } from '@mindful/shared';
import {
  createLogger,
  retentionJob,
  startServer,
  updatePlace,
  type RunningServer,
} from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, testConfig } from '../helpers/test-server';
import { newTeam, teamsApi } from './team-fixtures';
import { connectReplica, sessionEntry, synced, waitFor } from './sync-helpers';

describeEachStore('retention', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    // Team tier: the second test needs a team whose aggregates count the user.
    const config = testConfig({ DEFAULT_SUBSCRIPTION_TIER: 'team' });
    server = await startServer({
      config,
      log: createLogger(config.logLevel),
      database: store(),
      sync: { registry: { reconcileDebounceMs: 20 } },
    });
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

    // An insight drawn from the history that is about to expire.
    await pool.query(
      `INSERT INTO user_insights (user_id, insight_type, insight_data, confidence_score)
       VALUES ($1, 'peak_hours', '{"hours": [9]}', 0.9)`,
      [user.id],
    );
    const outcome = await server.ctx.jobs.runNow(retentionJob(server.ctx, () => now));
    expect(outcome).toEqual({ ran: true });
    // Recomputed from what is left (too little for any insight), not kept until the next job run.
    expect(
      (await pool.query('SELECT 1 FROM user_insights WHERE user_id = $1', [user.id])).rowCount,
    ).toBe(0);

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

  it('leaves an expired session in no stored log entry and in no team aggregate', async () => {
    const [member, admin] = [await signUp(server.url), await signUp(server.url)];
    const api = teamsApi(() => server.url);
    const teamId = await newTeam(api, admin, [member]);
    const consent = await api(member, `/${teamId}/consent`, {
      method: 'PUT',
      body: { data_sharing_consent: true },
    });
    expect(consent.status).toBe(200);
    const ended = (start: string, device: string) =>
      sessionEntry({
        start_time: start,
        end_time: new Date(Date.parse(start) + 30 * 60_000).toISOString(),
        total_duration_ms: 30 * 60_000,
        focus_score: 0.5,
        device_id: device,
      });
    // A distinctive string, to look for in the raw bytes of the log.
    const marker = 'expired-laptop-7f3a';
    const old = ended('2026-01-10T09:00:00.000Z', marker);
    const recent = ended('2026-02-26T09:00:00.000Z', 'recent-laptop');
    for (const entry of [old, recent]) {
      await server.ctx.registry.write(member.id, (doc) => doc.putSession(entry));
    }
    await server.ctx.registry.write(member.id, (doc) => doc.updateSettings({ retention_days: 30 }));
    await server.ctx.projection.reconcileNow(member.id);
    const pool = store().pool;
    const sessionsOn = async (date: string) =>
      (
        await pool.query<{ session_count: number }>(
          'SELECT session_count FROM team_daily_metrics WHERE team_id = $1 AND date = $2',
          [teamId, date],
        )
      ).rows[0]?.session_count ?? 0;
    expect(await sessionsOn('2026-01-10')).toBe(1);

    const outcome = await server.ctx.jobs.runNow(
      retentionJob(server.ctx, () => new Date('2026-03-01T12:00:00Z')),
    );
    expect(outcome).toEqual({ ran: true });

    expect(await sessionsOn('2026-01-10')).toBe(0);
    expect(await sessionsOn('2026-02-26')).toBe(1);
    const docName = userDocName(member.id);
    const { rows } = await pool.query<{ payload: string; generation: number }>(
      'SELECT payload, generation FROM crdt_updates WHERE doc_name = $1 ORDER BY id',
      [docName],
    );
    const everything = new Y.Doc();
    for (const row of rows) {
      const update = server.ctx.cipher.decrypt(row.payload, updatePlace(docName, row.generation));
      expect(Buffer.from(update).includes(marker)).toBe(false);
      const alone = new Y.Doc();
      Y.applyUpdate(alone, update);
      expect(new UserDoc(alone).getSession(old.id)).toBeUndefined();
      Y.applyUpdate(everything, update);
    }
    expect(new UserDoc(everything).getSession(old.id)).toBeUndefined();
    expect(new UserDoc(everything).getSession(recent.id)).toBeDefined();
  });
});
