import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, npmStart, type NpmServer } from '../helpers/npm-start';
import { signUp } from '../helpers/test-server';

/**
 * Opens `POST /api/sessions/start` with `Expect: 100-continue` and resolves
 * once the server has read the headers (its 100 Continue): the request is then
 * in flight, its body not yet sent.
 */
function requestInFlight(url: string, token: string) {
  const target = new URL('/api/sessions/start', url);
  const body = JSON.stringify({ language: 'typescript' });
  const req = http.request(target, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
    },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  const continued = new Promise<void>((resolve) => req.once('continue', () => resolve()));
  req.flushHeaders();
  return { continued, answered, finish: () => req.end(body) };
}

describe('npm start and signals', () => {
  let server: NpmServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the node process npm started drains the request in flight, then exits 0`, async () => {
      server = await npmStart();
      const user = await signUp(server.url);
      const inFlight = requestInFlight(server.url, user.token);
      await inFlight.continued;
      process.kill(server.nodePid, signal);
      await server.waitForLog((msg) => msg.startsWith('shutting down'));
      inFlight.finish();
      const answer = await inFlight.answered;
      expect(answer.status, answer.body).toBe(201);
      await server.waitForLog((msg) => msg === 'server stopped');
      expect(await server.exited).toBe(0);
      expect(isRunning(server.nodePid)).toBe(false);
      // And a new connection is refused: nothing is listening any more.
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    });
  }

  it('SIGTERM to npm itself (a supervisor) stops the node server too', async () => {
    server = await npmStart();
    expect(isRunning(server.nodePid)).toBe(true);
    server.npm.kill('SIGTERM');
    await server.waitForLog((msg) => msg === 'server stopped');
    await server.exited;
    // npm has exited; its node child must not outlive it.
    await new Promise<void>((resolve) => {
      const check = () => (isRunning(server!.nodePid) ? setImmediate(check) : resolve());
      check();
    });
    expect(isRunning(server.nodePid)).toBe(false);
  });
});
