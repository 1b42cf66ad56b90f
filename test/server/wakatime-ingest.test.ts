import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireKeyOrUser } from '../../server/src/api-keys/api-key-auth';
import { ApiKeyStore } from '../../server/src/api-keys/api-key-store';
import { errorHandler } from '../../server/src/http/errors';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { LogCapture } from '../helpers/log-capture';
import { countQueries } from './query-counter';
import { authedFetch, signUp, testConfig, type TestUser } from '../helpers/test-server';
import {
  CLI_USER_AGENT,
  MACHINE,
  cliBulk,
  cliHeaders,
  cliHeartbeat,
  createKey,
  sendBulk,
  utcSeconds,
} from './wakatime-helpers';

type BulkAnswer = { responses: [Record<string, unknown>, number][] };

describeEachStore('WakaTime heartbeats', (store) => {
  let server: RunningServer;
  let user: TestUser;
  let key: string;
  const logs = new LogCapture();

  beforeAll(async () => {
    const config = testConfig({ LOG_LEVEL: 'debug' });
    server = await startServer({
      config,
      log: createLogger('debug', logs.sink),
      database: store(),
      sync: { registry: { reconcileDebounceMs: 20 } },
    });
    user = await signUp(server.url);
    // Project names and paths may leave the device for this user.
    await authedFetch(server.url, user.token, '/api/privacy/settings', {
      method: 'PUT',
      body: { sync_project_paths: true },
    });
    key = (await createKey(server, user)).key;
  });
  afterAll(async () => {
    await server?.close();
  });

  const count = async (sql: string, params: unknown[] = [user.id]) =>
    Number((await store().pool.query<{ n: string }>(sql, params)).rows[0]!.n);
  const heartbeatCount = (who = user.id) =>
    count('SELECT count(*) AS n FROM wakatime_heartbeats WHERE user_id = $1', [who]);
  const docSessions = (who = user.id) =>
    server.ctx.registry.use(who, async (doc) =>
      doc.userDoc.readSessions().entries.filter((s) => s.source === 'wakatime'),
    );

  it('takes a bulk of 25 exactly as wakatime-cli sends it, and a replay stores nothing twice', async () => {
    const bulk = cliBulk(utcSeconds(2026, 3, 2, 9), 25, 60);
    const first = await sendBulk(server.url, key, bulk);
    expect(first.status).toBe(202);
    const answer = (await first.json()) as BulkAnswer;
    expect(answer.responses).toHaveLength(25);
    expect(answer.responses.every(([, status]) => status === 201)).toBe(true);
    expect(answer.responses[0]![0]).toMatchObject({
      data: { entity: bulk[0]!.entity, type: 'file', time: bulk[0]!.time, project: 'mindful' },
    });
    expect(await heartbeatCount()).toBe(25);

    const sessions = await docSessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      source: 'wakatime',
      editor: 'vscode',
      machine: MACHINE,
      category: 'coding',
      project_path: 'mindful',
      total_duration_ms: 24 * 60_000,
      language_breakdown: { TypeScript: 24 * 60_000 },
      files_modified: 4,
    });
    await server.ctx.projection.reconcileNow(user.id);
    const logged = await count(
      `SELECT count(*) AS n FROM crdt_updates WHERE doc_name = 'user:' || $1`,
    );

    // wakatime-cli re-sends its offline queue: the same bulk again changes nothing.
    const replay = await sendBulk(server.url, key, bulk);
    expect(replay.status).toBe(202);
    const again = (await replay.json()) as BulkAnswer;
    expect(again.responses.map(([, s]) => s)).toEqual(Array(25).fill(201));
    expect(await heartbeatCount()).toBe(25);
    expect(await docSessions()).toEqual(sessions);
    await server.ctx.projection.reconcileNow(user.id);
    expect(
      await count(`SELECT count(*) AS n FROM crdt_updates WHERE doc_name = 'user:' || $1`),
    ).toBe(logged);
    expect(await count('SELECT count(*) AS n FROM coding_sessions WHERE user_id = $1')).toBe(1);
  });

  it('joins heartbeats across gaps below the idle timeout and splits above it, in any order', async () => {
    const base = utcSeconds(2026, 3, 3, 9);
    // 10 min gap (joined, an interruption), then a 20 min gap (a new session).
    const times = [0, 60, 120, 720, 780, 2000, 2060].map((s) => base + s);
    const bulk = times.map((t) =>
      cliHeartbeat(t, { language: t > base + 1000 ? 'Go' : 'TypeScript' }),
    );
    // Sent backwards in two halves: the result is the same as in order.
    await sendBulk(server.url, key, bulk.slice(3).reverse());
    await sendBulk(server.url, key, bulk.slice(0, 3));
    const day = (await docSessions())
      .filter((s) => s.start_time.startsWith('2026-03-03'))
      .sort((a, b) => a.start_time.localeCompare(b.start_time));
    expect(day.map((s) => [s.start_time, s.total_duration_ms, s.interruption_count])).toEqual([
      [new Date(times[0]! * 1000).toISOString(), 780_000, 1],
      [new Date(times[5]! * 1000).toISOString(), 60_000, 0],
    ]);
    expect(day[1]!.language_breakdown).toEqual({ Go: 60_000 });
  });

  it('a bulk that extends a long run rebuilds the whole run in three statements on the heartbeats', async () => {
    // Four hours, a heartbeat every 5 minutes (under the 15-minute idle timeout): one run.
    const base = utcSeconds(2026, 3, 9, 8);
    await sendBulk(server.url, key, cliBulk(base, 48, 300));
    // Its last minutes arrive later, as wakatime-cli sends them.
    const queries = countQueries(/wakatime_heartbeats/);
    try {
      await sendBulk(server.url, key, cliBulk(base + 48 * 300, 2, 300));
      // The insert, the run around the new heartbeats (one recursive statement; a round trip
      // per step of growth made it 19 here), and the run's heartbeats.
      expect(queries.take()).toBe(3);
    } finally {
      queries.restore();
    }
    const day = (await docSessions()).filter((s) => s.start_time.startsWith('2026-03-09'));
    expect(day.map((s) => [s.start_time, s.total_duration_ms])).toEqual([
      [new Date(Math.floor((base + 0.123456) * 1000)).toISOString(), 49 * 300_000],
    ]);
  });

  it('accepts the key as Basic base64(key), base64(key:), Bearer, and ?api_key=, on both base paths', async () => {
    const hb = () => JSON.stringify(cliHeartbeat(utcSeconds(2026, 3, 4, 10) + Math.random()));
    const post = (path: string, authorization?: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': CLI_USER_AGENT,
          ...(authorization ? { authorization } : {}),
        },
        body: hb(),
      });
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    expect((await post('/api/v1/users/current/heartbeats', basic(key))).status).toBe(201);
    expect((await post('/api/v1/users/current/heartbeats', basic(`${key}:`))).status).toBe(201);
    expect((await post('/api/v1/users/current/heartbeats', `Bearer ${key}`)).status).toBe(201);
    expect((await post(`/api/v1/users/current/heartbeats?api_key=${key}`)).status).toBe(201);
    expect(
      (await post('/api/compat/wakatime/v1/users/current/heartbeats', basic(key))).status,
    ).toBe(201);
    expect((await post('/api/v1/users/current/heartbeats')).status).toBe(401);
    expect((await post('/api/v1/users/current/heartbeats', basic('waka_nope'))).status).toBe(401);
    // The key never reaches a log line, from the query string or a header.
    expect(logs.text).toContain('/api/v1/users/current/heartbeats');
    expect(logs.text).not.toContain(key);
    expect(logs.text).not.toContain(key.slice(5));
  });

  it('lists keys by prefix only, and a revoked key is refused at once', async () => {
    const created = await createKey(server, user, 'to revoke');
    const list = await authedFetch(server.url, user.token, '/api/api-keys');
    const text = await list.text();
    expect(text).toContain(created.prefix);
    expect(text).not.toContain(created.key);
    const stored = await store().pool.query('SELECT * FROM api_keys WHERE id = $1', [created.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(created.key.slice(5));

    const hb = cliBulk(utcSeconds(2026, 3, 5, 9), 2);
    expect((await sendBulk(server.url, created.key, hb)).status).toBe(202);
    // A second instance on the same store: revocation holds there at once too.
    const second = await startServer({
      config: testConfig(),
      log: createLogger('silent'),
      database: store(),
    });
    const statusbar = (url: string) =>
      fetch(`${url}/api/v1/users/current/statusbar/today`, { headers: cliHeaders(created.key) });
    expect((await statusbar(second.url)).status).toBe(200);
    const other = await signUp(server.url);
    const foreign = await authedFetch(server.url, other.token, `/api/api-keys/${created.id}`, {
      method: 'DELETE',
    });
    expect(foreign.status).toBe(404);
    const revoke = await authedFetch(server.url, user.token, `/api/api-keys/${created.id}`, {
      method: 'DELETE',
    });
    expect(revoke.status).toBe(204);
    const refused = await sendBulk(server.url, created.key, hb);
    expect(refused.status).toBe(401);
    expect((await statusbar(second.url)).status).toBe(401);
    await second.close();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it("another user's key writes and reads only that user's data", async () => {
    const other = await signUp(server.url);
    const otherKey = (await createKey(server, other)).key;
    const before = await heartbeatCount();
    await sendBulk(server.url, otherKey, cliBulk(utcSeconds(2026, 3, 6, 9), 5));
    expect(await heartbeatCount()).toBe(before);
    expect(await heartbeatCount(other.id)).toBe(5);
    expect(await docSessions(other.id)).toHaveLength(1);
  });

  it('refuses each bad heartbeat with a named error and stores the valid rest', async () => {
    const base = utcSeconds(2026, 3, 7, 9);
    const before = await heartbeatCount();
    const bulk = [
      cliHeartbeat(base),
      cliHeartbeat(Date.now() / 1000 + 3600),
      cliHeartbeat(utcSeconds(1999, 12, 31, 23)),
      cliHeartbeat('NaN' as unknown as number),
      cliHeartbeat(base + 1, { type: 'spaceship' }),
      cliHeartbeat(base + 2, { entity: `/x/${'a'.repeat(5000)}` }),
      cliHeartbeat(base + 3, { project: 'mind\u0000ful' }),
      cliHeartbeat(base + 60),
    ];
    const response = await sendBulk(server.url, key, bulk);
    expect(response.status).toBe(202);
    const answer = (await response.json()) as BulkAnswer;
    expect(answer.responses.map(([body, status]) => [status, body.code ?? 'ok'])).toEqual([
      [201, 'ok'],
      [400, 'time_in_future'],
      [400, 'time_before_2000'],
      [400, 'invalid_time'],
      [400, 'unknown_type'],
      [400, 'entity_too_long'],
      [400, 'nul_byte'],
      [201, 'ok'],
    ]);
    expect(typeof answer.responses[1]![0].error).toBe('string');
    expect(await heartbeatCount()).toBe(before + 2);
  });

  it('refuses a 10,000-heartbeat bulk whole, and raw NaN as invalid JSON, storing nothing', async () => {
    const before = await heartbeatCount();
    const huge = Array.from({ length: 10_000 }, (_, i) => ({
      entity: 'f',
      time: utcSeconds(2026, 3, 8, 9) + i,
    }));
    const response = await sendBulk(server.url, key, huge);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: unknown } };
    expect(body.error.code).toBe('too_many_heartbeats');
    expect(body.error.details).toEqual([
      { field: '(body)', message: '10000 heartbeats; at most 1000' },
    ]);
    const nan = await sendBulk(server.url, key, '[{"entity":"f","time":NaN}]');
    expect(nan.status).toBe(400);
    expect(((await nan.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const single = await fetch(`${server.url}/api/v1/users/current/heartbeats`, {
      method: 'POST',
      headers: cliHeaders(key),
      body: JSON.stringify(cliHeartbeat(utcSeconds(2026, 3, 8, 9), { type: 'spaceship' })),
    });
    expect(single.status).toBe(400);
    expect(((await single.json()) as { error: { code: string } }).error.code).toBe('unknown_type');
    expect(await heartbeatCount()).toBe(before);
  });

  it('keeps file paths and project names out of the store unless the user allows them', async () => {
    const shy = await signUp(server.url);
    const shyKey = (await createKey(server, shy)).key;
    await sendBulk(server.url, shyKey, cliBulk(utcSeconds(2026, 3, 9, 9), 5));
    const { rows } = await store().pool.query(
      'SELECT entity, project, branch FROM wakatime_heartbeats WHERE user_id = $1',
      [shy.id],
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.entity === null && r.project === null && r.branch === null)).toBe(
      true,
    );
    const [session] = await docSessions(shy.id);
    expect(session!.project_path).toBeNull();
    const raw = await store().pool.query('SELECT * FROM wakatime_heartbeats WHERE user_id = $1', [
      user.id,
    ]);
    // Allowed, but sealed: no plaintext path in the table.
    expect(JSON.stringify(raw.rows)).not.toContain('/home/ada');
  });

  it('rate-limits requests per key, each key on its own', async () => {
    // The server's own middleware and key store, with a small budget and no refill to speak of.
    const app = express();
    app.use(
      requireKeyOrUser(server.ctx.auth, new ApiKeyStore(store().pool), {
        burst: 3,
        perSecond: 0.001,
      }),
    );
    app.get('/probe', (_req, res) => res.json({ ok: true }));
    app.use(errorHandler(server.ctx.log));
    const probe = app.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    try {
      const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/probe`;
      const busy = (await createKey(server, user, 'busy')).key;
      const calm = (await createKey(server, user, 'calm')).key;
      const hit = async (k: string) => {
        const r = await fetch(url, { headers: cliHeaders(k) });
        await r.arrayBuffer();
        return r;
      };
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await hit(busy)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await hit(busy);
      expect(limited.headers.get('retry-after')).toBeTruthy();
      expect((await hit(calm)).status).toBe(200);
    } finally {
      probe.close();
    }
  });
});
