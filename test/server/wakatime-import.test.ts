import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { startSyncServer, waitFor } from './sync-helpers';
import { cliBulk, createKey, sendBulk, utcSeconds } from './wakatime-helpers';

/** A WakaTime data export: heartbeats by day, as the dump has them. */
function exportDump(days: { date: string; heartbeats: unknown[] }[]) {
  return JSON.stringify({
    user: { username: 'ada', timezone: 'UTC' },
    range: { start: days[0]!.date, end: days[days.length - 1]!.date },
    days,
  });
}

const dumpHeartbeats = (startS: number, n: number, stepS = 60) =>
  cliBulk(startS, n, stepS).map(({ user_agent: _ua, ...h }) => ({
    ...h,
    id: 'x',
    user_agent_id: 'b4e2c8a0-0000-4000-8000-000000000000',
    machine_name_id: 'a1e2c8a0-0000-4000-8000-000000000000',
    created_at: '2026-03-20T00:00:00Z',
  }));

type Job = {
  id: string;
  status: string;
  bytes_total: number | null;
  bytes_read: number;
  progress: number | null;
  days_processed: number;
  heartbeats_processed: number;
  heartbeats_stored: number;
  heartbeats_refused: number;
  error: string | null;
};

describeEachStore('WakaTime import', (store) => {
  let server: RunningServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await startSyncServer(store());
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  const newJob = async () => {
    const r = await authedFetch(server.url, user.token, '/api/wakatime/imports', {
      method: 'POST',
    });
    expect(r.status).toBe(201);
    return (await r.json()) as Job;
  };
  const upload = (id: string, body: string) =>
    fetch(`${server.url}/api/wakatime/imports/${id}/data`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body,
    });
  const poll = async (id: string) =>
    (await (
      await authedFetch(server.url, user.token, `/api/wakatime/imports/${id}`)
    ).json()) as Job;
  const heartbeatCount = async () =>
    Number(
      (
        await store().pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM wakatime_heartbeats WHERE user_id = $1',
          [user.id],
        )
      ).rows[0]!.n,
    );

  it('streams an export into sessions, shows progress while it runs, and is idempotent', async () => {
    const day1 = dumpHeartbeats(utcSeconds(2026, 2, 1, 1), 2500, 30);
    const day2 = [...dumpHeartbeats(utcSeconds(2026, 2, 2, 9), 30), { time: 'NaN', entity: 'x' }];
    const body = exportDump([
      { date: '2026-02-01', heartbeats: day1 },
      { date: '2026-02-02', heartbeats: day2 },
    ]);
    const job = await newJob();
    expect(job.status).toBe('waiting');

    // Send the first half, watch the job move, then the rest.
    const half = Math.floor(body.length / 2);
    const request = http.request(`${server.url}/api/wakatime/imports/${job.id}/data`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${user.token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, half));
    await waitFor(async () => (await poll(job.id)).heartbeats_stored >= 1000, 'first batch stored');
    const midway = await poll(job.id);
    expect(midway.status).toBe('running');
    expect(midway.progress).toBeGreaterThan(0);
    expect(midway.progress).toBeLessThan(1);
    request.end(body.slice(half));
    const done = await answered;
    expect(done.status).toBe(200);
    const finished = JSON.parse(done.body) as Job;
    expect(finished).toMatchObject({
      status: 'done',
      days_processed: 2,
      heartbeats_processed: 2531,
      heartbeats_stored: 2530,
      heartbeats_refused: 1,
      progress: 1,
      error: null,
    });
    expect(await poll(job.id)).toMatchObject({ status: 'done', heartbeats_stored: 2530 });
    expect(await heartbeatCount()).toBe(2530);
    const sessions = await server.ctx.registry.use(user.id, async (doc) =>
      doc.userDoc.readSessions().entries.map((s) => [s.start_time, s.total_duration_ms]),
    );
    expect(sessions.sort()).toEqual([
      ['2026-02-01T01:00:00.123Z', 2499 * 30_000],
      ['2026-02-02T09:00:00.123Z', 29 * 60_000],
    ]);

    // The same export again: nothing stored twice.
    const again = await newJob();
    const second = await upload(again.id, body);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: 'done', heartbeats_stored: 0 });
    expect(await heartbeatCount()).toBe(2530);
    // Data for a used job is refused.
    expect((await upload(job.id, body)).status).toBe(409);
  });

  it('heartbeats the editor already sent are not imported twice', async () => {
    const key = (await createKey(server, user)).key;
    const live = cliBulk(utcSeconds(2026, 2, 5, 9), 10, 60);
    await sendBulk(server.url, key, live);
    const before = await heartbeatCount();
    const job = await newJob();
    const r = await upload(
      job.id,
      exportDump([
        { date: '2026-02-05', heartbeats: dumpHeartbeats(utcSeconds(2026, 2, 5, 9), 10) },
      ]),
    );
    expect(await r.json()).toMatchObject({ heartbeats_processed: 10, heartbeats_stored: 0 });
    expect(await heartbeatCount()).toBe(before);
  });

  it('refuses what is not an export, naming why, and records the failure', async () => {
    const job = await newJob();
    const r = await upload(job.id, '{"days": [ {"date": "2026-02-09", "heartbeats": [ ');
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_export');
    expect((await poll(job.id)).status).toBe('failed');
    const other = await newJob();
    const notDump = await upload(other.id, '{"hello": "world"}');
    expect(notDump.status).toBe(400);
    expect(((await notDump.json()) as { error: { message: string } }).error.message).toMatch(
      /days/,
    );
    const stranger = await signUp(server.url);
    const peek = await authedFetch(server.url, stranger.token, `/api/wakatime/imports/${job.id}`);
    expect(peek.status).toBe(404);
  });

  it('the idle timeout is a per-user setting that joins or splits durations', async () => {
    const settings = await authedFetch(server.url, user.token, '/api/wakatime/settings');
    expect(await settings.json()).toEqual({ idle_timeout_minutes: 15 });
    const put = await authedFetch(server.url, user.token, '/api/wakatime/settings', {
      method: 'PUT',
      body: { idle_timeout_minutes: 5 },
    });
    expect(await put.json()).toEqual({ idle_timeout_minutes: 5 });
    const bad = await authedFetch(server.url, user.token, '/api/wakatime/settings', {
      method: 'PUT',
      body: { idle_timeout_minutes: 0 },
    });
    expect(bad.status).toBe(400);
    const key = (await createKey(server, user)).key;
    // Two heartbeats 10 minutes apart: with a 5-minute timeout, no duration joins them.
    const base = utcSeconds(2026, 2, 7, 9);
    await sendBulk(server.url, key, [...cliBulk(base, 3, 60), ...cliBulk(base + 720, 3, 60)]);
    const sessions = await server.ctx.registry.use(user.id, async (doc) =>
      doc.userDoc
        .readSessions()
        .entries.filter((s) => s.start_time.startsWith('2026-02-07'))
        .map((s) => s.total_duration_ms),
    );
    expect(sessions).toEqual([120_000, 120_000]);
  });
});
