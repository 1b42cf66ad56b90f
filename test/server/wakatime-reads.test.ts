import { afterAll, beforeAll, expect, it } from 'vitest';
import { WakaTimeClient } from 'wakatime-client';
import { dailyTotals, dayWindows, fixedZoneOffset, type DailyTotalsSession } from '@mindful/shared';
import { retentionJob, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { startSyncServer } from './sync-helpers';
import { cliBulk, cliHeartbeat, createKey, sendBulk, utcSeconds } from './wakatime-helpers';

type Item = { name: string; total_seconds: number };
type Summary = {
  grand_total: { total_seconds: number; text: string; digital: string };
  projects: Item[];
  languages: Item[];
  editors: Item[];
  machines: Item[];
  categories: Item[];
  range: { date: string };
  mindful: { flow_seconds: number; interruptions: number };
};

describeEachStore('WakaTime reads', (store) => {
  let server: RunningServer;
  let user: TestUser;
  let key: string;

  beforeAll(async () => {
    server = await startSyncServer(store());
    user = await signUp(server.url);
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { sync_project_paths: true },
    });
    key = (await createKey(server, user)).key;
  });
  afterAll(async () => {
    await server?.close();
  });

  const summaries = async (who: string, start: string, end: string, extra = '') => {
    const r = await fetch(
      `${server.url}/api/v1/users/current/summaries?start=${start}&end=${end}${extra}`,
      { headers: { authorization: `Basic ${Buffer.from(who).toString('base64')}` } },
    );
    expect(r.status).toBe(200);
    return (await r.json()) as { data: Summary[]; cumulative_total: { seconds: number } };
  };

  it('the wakatime-client package reads statusbar/today and summaries from this server', async () => {
    const now = Date.now() / 1000;
    const midnight = Math.floor(now / 86400) * 86400;
    const first = Math.max(now - 20 * 60, midnight + 1);
    const bulk = cliBulk(first, 10, 60).filter((h) => h.time < now);
    expect((await sendBulk(server.url, key, bulk)).status).toBe(202);
    const expected = Math.round((bulk[bulk.length - 1]!.time - bulk[0]!.time) * 1000) / 1000;

    const client = new WakaTimeClient(key, `${server.url}/api/v1/`);
    const today = new Date(midnight * 1000).toISOString().slice(0, 10);
    const summary = (await client.getMySummary({
      dateRange: { startDate: today, endDate: today },
    })) as { data: Summary[] };
    expect(summary.data).toHaveLength(1);
    expect(summary.data[0]!.range.date).toBe(today);
    expect(summary.data[0]!.grand_total.total_seconds).toBeCloseTo(expected, 0);
    expect(summary.data[0]!.editors.map((e) => e.name)).toEqual(['vscode']);
    expect(summary.data[0]!.projects.map((e) => e.name)).toEqual(['mindful']);

    // The package has no statusbar method: its own configured (Basic-auth) HTTP client asks.
    const axios = (
      client as unknown as {
        axiosConfiguration: { get(path: string): Promise<{ data: { data: Summary } }> };
      }
    ).axiosConfiguration;
    const statusbar = (await axios.get('users/current/statusbar/today')).data.data;
    expect(statusbar.grand_total.total_seconds).toBeCloseTo(expected, 0);
    expect(statusbar.grand_total.text).toMatch(/mins?$/);
    expect(statusbar.languages[0]).toMatchObject({ name: 'TypeScript' });
    expect(statusbar.categories[0]).toMatchObject({ name: 'coding' });

    const stats = (await client.getMyStats({ range: 'LAST_7_DAYS' })) as {
      data: { total_seconds: number; range: string };
    };
    expect(stats.data.range).toBe('last_7_days');
    expect(stats.data.total_seconds).toBeCloseTo(expected, 0);
  });

  it('a day of heartbeats gives the same total in summaries, in the shared daily totals and in the export', async () => {
    const day = '2026-03-10';
    const at = (h: number, m: number) => utcSeconds(2026, 3, 10, h, m);
    const morning = cliBulk(at(9, 0), 25, 60); // 24 min of mindful
    const noon = cliBulk(at(12, 0), 11, 90, { project: 'side', language: 'Go' }); // 15 min
    const other = cliBulk(at(9, 5), 6, 120).map((h) => ({
      ...h,
      user_agent: 'wakatime/v1.102.1 (linux-6.1) go1.22 vim/9.1 vim-wakatime/11.2.0',
    })); // 10 min
    for (const bulk of [morning, noon, other]) {
      expect((await sendBulk(server.url, key, bulk)).status).toBe(202);
    }
    const expected = 24 * 60 + 15 * 60 + 10 * 60;

    const answer = await summaries(key, day, day);
    const wakatime = answer.data[0]!;
    expect(wakatime.grand_total.total_seconds).toBe(expected);
    expect(Object.fromEntries(wakatime.projects.map((p) => [p.name, p.total_seconds]))).toEqual({
      mindful: 34 * 60,
      side: 15 * 60,
    });
    expect(Object.fromEntries(wakatime.editors.map((p) => [p.name, p.total_seconds]))).toEqual({
      vscode: 39 * 60,
      vim: 10 * 60,
    });
    expect(wakatime.machines).toEqual([
      expect.objectContaining({ name: 'ada-laptop', total_seconds: expected }),
    ]);
    const onlySide = await summaries(key, day, day, '&project=side');
    expect(onlySide.data[0]!.grand_total.total_seconds).toBe(15 * 60);

    const exported = (await (
      await authedFetch(server.url, user.token, '/api/privacy/export')
    ).json()) as { sessions: (DailyTotalsSession & { source?: string })[] };
    const windows = dayWindows(day, day, fixedZoneOffset(0));
    const dashboard = dailyTotals(exported.sessions, windows)[0]!;
    expect(dashboard.coding_seconds).toBe(expected);
    const exportedSeconds =
      exported.sessions
        .filter((s) => s.start_time.toString().startsWith(day))
        .reduce((sum, s) => sum + (s.active_duration_ms ?? 0), 0) / 1000;
    expect(exportedSeconds).toBe(expected);
  });

  it('heartbeat cadence gives coarse flow, which never overrides a keystroke-level session', async () => {
    const day = '2026-03-11';
    const bulk = cliBulk(utcSeconds(2026, 3, 11, 9), 31, 60); // 30 min unbroken
    await sendBulk(server.url, key, bulk);
    const flow = (await summaries(key, day, day)).data[0]!.mindful.flow_seconds;
    expect(flow).toBe(30 * 60);
    const sessions = await server.ctx.registry.use(user.id, async (doc) =>
      doc.userDoc.readSessions().entries.filter((s) => s.start_time.startsWith(day)),
    );
    expect(sessions[0]!.flow_state_periods[0]).toMatchObject({ signal: 'coarse' });

    // The extension captured the same time (no flow found there): its verdict stands.
    const started = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { start_time: '2026-03-11T08:55:00.000Z', language: 'typescript' },
    });
    const { id } = (await started.json()) as { id: string };
    await authedFetch(server.url, user.token, `/api/sessions/${id}/end`, {
      method: 'POST',
      body: { end_time: '2026-03-11T09:40:00.000Z' },
    });
    expect((await summaries(key, day, day)).data[0]!.mindful.flow_seconds).toBe(0);
  });

  it('stats answer every range, and refuse an unknown one', async () => {
    for (const range of ['last_7_days', 'last_30_days', 'last_6_months', 'last_year', 'all_time']) {
      const r = await fetch(`${server.url}/api/v1/users/current/stats/${range}?api_key=${key}`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { data: { range: string; total_seconds: number } };
      expect(body.data.range).toBe(range);
      expect(body.data.total_seconds).toBeGreaterThanOrEqual(0);
    }
    const allTime = (await (
      await fetch(`${server.url}/api/v1/users/current/stats/all_time?api_key=${key}`)
    ).json()) as { data: { total_seconds: number } };
    expect(allTime.data.total_seconds).toBeGreaterThan(49 * 60);
    const bad = await fetch(`${server.url}/api/v1/users/current/stats/last_century?api_key=${key}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('unknown_range');
    const reversed = await fetch(
      `${server.url}/api/v1/users/current/summaries?start=2026-03-10&end=2026-03-01&api_key=${key}`,
    );
    expect(reversed.status).toBe(400);
  });

  it("another user's key never reads this user", async () => {
    const other = await signUp(server.url);
    const otherKey = (await createKey(server, other)).key;
    const theirs = await summaries(otherKey, '2026-03-10', '2026-03-11');
    expect(theirs.cumulative_total.seconds).toBe(0);
    expect(JSON.stringify(theirs)).not.toContain('"name":"mindful"');
  });

  it('a purge removes the heartbeats and their sessions everywhere', async () => {
    const victim = await signUp(server.url);
    const victimKey = (await createKey(server, victim)).key;
    await sendBulk(server.url, victimKey, cliBulk(utcSeconds(2026, 3, 12, 9), 10, 60));
    await sendBulk(server.url, victimKey, [cliHeartbeat(utcSeconds(2026, 3, 12, 15))]);
    const count = async (table: string) =>
      Number(
        (
          await store().pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${table} WHERE user_id = $1`,
            [victim.id],
          )
        ).rows[0]!.n,
      );
    expect(await count('wakatime_heartbeats')).toBe(11);
    expect((await summaries(victimKey, '2026-03-12', '2026-03-12')).cumulative_total.seconds).toBe(
      540,
    );
    expect(await count('coding_sessions')).toBe(1);

    const purge = await authedFetch(server.url, victim.token, '/api/privacy/purge?scope=data', {
      method: 'DELETE',
    });
    expect(purge.status).toBeLessThan(300);
    expect(await count('wakatime_heartbeats')).toBe(0);
    expect(await count('coding_sessions')).toBe(0);
    expect((await summaries(victimKey, '2026-03-12', '2026-03-12')).cumulative_total.seconds).toBe(
      0,
    );
    const exported = (await (
      await authedFetch(server.url, victim.token, '/api/privacy/export')
    ).json()) as { sessions: unknown[]; wakatime_heartbeats: unknown[] };
    expect(exported.sessions).toEqual([]);
    expect(exported.wakatime_heartbeats).toEqual([]);
    const inDoc = await server.ctx.registry.use(
      victim.id,
      async (doc) => doc.userDoc.readSessions().entries.length,
    );
    expect(inDoc).toBe(0);
  });

  it('retention deletes old heartbeats together with the sessions built from them', async () => {
    const keeper = await signUp(server.url);
    await authedFetch(server.url, keeper.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { retention_days: 30 },
    });
    const keeperKey = (await createKey(server, keeper)).key;
    const now = Date.now() / 1000;
    const old = Math.floor(now / 86400 - 60) * 86400 + 9 * 3600;
    const recent = Math.floor(now / 86400 - 2) * 86400 + 9 * 3600;
    await sendBulk(server.url, keeperKey, [...cliBulk(old, 5, 60), ...cliBulk(recent, 5, 60)]);
    const times = async () =>
      (
        await store().pool.query<{ t: Date }>(
          'SELECT min(time) AS t FROM wakatime_heartbeats WHERE user_id = $1',
          [keeper.id],
        )
      ).rows[0]!.t.getTime() / 1000;
    expect(Math.floor(await times())).toBe(old);
    await server.ctx.projection.reconcileNow(keeper.id);
    expect(await server.ctx.jobs.runNow(retentionJob(server.ctx))).toEqual({ ran: true });
    expect(Math.floor(await times())).toBe(recent);
    const left = await server.ctx.registry.use(keeper.id, async (doc) =>
      doc.userDoc.readSessions().entries.map((s) => Math.floor(Date.parse(s.start_time) / 1000)),
    );
    expect(left).toEqual([recent]);
  });
});
