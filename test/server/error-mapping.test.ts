import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { signUp, startTestServer, type TestUser } from '../helpers/test-server';

// One mapping from domain errors to HTTP serves every router: a write-path failure of the sync
// core answers the same from the privacy routes as from the sessions routes (it was a 500 there).
describeEachStore('one error mapping for every router', (store) => {
  let server: RunningServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startTestServer(store());
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  describe('while the document registry is shut down', () => {
    beforeAll(async () => {
      await server.ctx.registry.close();
    });

    it.each([
      ['PUT', '/api/privacy/settings', { track_languages: false }],
      ['GET', '/api/privacy/settings', undefined],
      ['POST', '/api/sessions/start', {}],
    ])('%s %s answers 503 unavailable, retryable', async (method, path, body) => {
      const response = await call(method, path, body);
      expect(response.status).toBe(503);
      const json = (await response.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('unavailable');
      expect(json.error.message).toMatch(/retry/);
    });
  });
});
