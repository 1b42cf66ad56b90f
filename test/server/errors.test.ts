import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, openDatabase, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { LogCapture } from '../helpers/log-capture';
import { authedFetch, signUp, testConfig } from '../helpers/test-server';

const METRICS_TOKEN = 'scrape-me-0123456789abcdef';

describeEachStore('errors and logs', (store) => {
  let server: RunningServer;
  const logs = new LogCapture();
  beforeAll(async () => {
    // debug: request lines are logged at debug, and their redaction is checked below.
    const config = testConfig({ LOG_LEVEL: 'debug', METRICS_TOKEN });
    server = await startServer({
      config,
      log: createLogger('debug', logs.sink),
      database: store(),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const expectErrorShape = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    return body;
  };

  it('malformed JSON is a 400 in the API error shape', async () => {
    const user = await signUp(server.url);
    const response = await fetch(`${server.url}/api/sessions/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: '{"oops": ',
    });
    await expectErrorShape(response, 400, 'invalid_json');
  });

  it('an oversize body is a 413, on the API and on the auth routes', async () => {
    const user = await signUp(server.url);
    const huge = JSON.stringify({ blob: 'x'.repeat(400 * 1024) });
    const api = await fetch(`${server.url}/api/sessions/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: huge,
    });
    await expectErrorShape(api, 413, 'payload_too_large');
    const auth = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: huge,
    });
    await expectErrorShape(auth, 413, 'payload_too_large');
  });

  it('an unknown route is a JSON 404', async () => {
    await expectErrorShape(await fetch(`${server.url}/no/such/route`), 404, 'not_found');
    const user = await signUp(server.url);
    await expectErrorShape(
      await authedFetch(server.url, user.token, '/api/nothing-here'),
      404,
      'not_found',
    );
  });

  it('/metrics with METRICS_TOKEN set answers only its bearer', async () => {
    const scrape = (authorization?: string) =>
      fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });
    await expectErrorShape(await scrape(), 401, 'unauthorized');
    await expectErrorShape(await scrape(`Bearer ${METRICS_TOKEN}x`), 401, 'unauthorized');
    await expectErrorShape(await scrape(METRICS_TOKEN), 401, 'unauthorized');
    const ok = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^mindful_\w+ \d+$/m);
  });

  it('/healthz answers ok while the database does', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('logs are JSON lines with no passwords or tokens in them', async () => {
    const user = await signUp(server.url, { password: 'very secret password 42' });
    await authedFetch(server.url, user.token, `/api/me?token=${user.token}`);
    await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'very secret password 42' }),
    });
    expect(logs.text).toMatch(/"path":"\/api\/me"/);
    expect(logs.text).not.toContain(user.token);
    expect(logs.text).not.toContain(user.token.split('.')[0]);
    expect(logs.text).not.toContain(METRICS_TOKEN);
    expect(logs.text).not.toContain('very secret password 42');
    for (const line of logs.text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('health when the database is gone', () => {
  it('/healthz answers 503 in the API error shape once the store stops answering', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const config = testConfig();
    const server = await startServer({ config, log: createLogger('silent'), database: db });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await db.close();
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'unavailable',
        error: { code: 'unavailable' },
      });
    } finally {
      await server.close();
    }
  });
});

describe('CORS for a dashboard on another origin', () => {
  it('answers a trusted origin’s preflight with credentials allowed, and gives others nothing', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const config = testConfig({ TRUSTED_ORIGINS: 'https://dashboard.example' });
    const server = await startServer({ config, log: createLogger('silent'), database: db });
    try {
      const preflight = (origin: string) =>
        fetch(`${server.url}/api/sessions/history`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
      const trusted = await preflight('https://dashboard.example');
      expect(trusted.status).toBe(204);
      expect(trusted.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
      expect(trusted.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight('https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
      await db.close();
    }
  });
});
