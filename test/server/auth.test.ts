import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, startTestServer } from '../helpers/test-server';

describeEachStore('auth over real HTTP', (store) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(store());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signs up, signs in from a plain Node fetch and gets a bearer token that works', async () => {
    const user = await signUp(server.url, { name: 'Ada' });
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(signIn.status).toBe(200);
    const token = signIn.headers.get('set-auth-token');
    expect(token).toBeTruthy();
    const me = await authedFetch(server.url, token!, '/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email: user.email, name: 'Ada' });
  });

  it('refuses no token, a garbage token and an expired token with 401 in the API error shape', async () => {
    const none = await fetch(`${server.url}/api/me`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await authedFetch(server.url, 'garbage.token', '/api/me')).status).toBe(401);

    const user = await signUp(server.url);
    await store().pool.query(
      `UPDATE auth_sessions SET expires_at = NOW() - interval '1 minute' WHERE user_id = $1`,
      [user.id],
    );
    expect((await authedFetch(server.url, user.token, '/api/me')).status).toBe(401);
  });

  it('sign-out invalidates the token', async () => {
    const user = await signUp(server.url);
    expect((await authedFetch(server.url, user.token, '/api/me')).status).toBe(200);
    const out = await authedFetch(server.url, user.token, '/api/auth/sign-out', {
      method: 'POST',
      body: {},
    });
    expect(out.status).toBe(200);
    expect((await authedFetch(server.url, user.token, '/api/me')).status).toBe(401);
  });

  it('rejects a wrong password', async () => {
    const user = await signUp(server.url);
    const response = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'not the password' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/invalid/i);
    expect(response.headers.get('set-auth-token')).toBeNull();
  });

  it('never lets a client set its own subscription tier', async () => {
    const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `tier-${Date.now()}@example.com`,
        password: 'correct horse battery',
        name: 'Sneaky',
        subscriptionTier: 'team',
        subscription_tier: 'team',
      }),
    });
    const token = response.headers.get('set-auth-token');
    if (response.status === 200) {
      const me = await (await authedFetch(server.url, token!, '/api/me')).json();
      expect(me).toMatchObject({ subscription_tier: 'free' });
    } else {
      expect(response.status).toBe(400);
    }
    const { rows } = await store().pool.query(
      `SELECT subscription_tier FROM users WHERE email LIKE 'tier-%'`,
    );
    expect(rows.every((row) => row.subscription_tier === 'free')).toBe(true);
  });

  it('gives new users DEFAULT_SUBSCRIPTION_TIER', async () => {
    const teamServer = await startTestServer(store(), { DEFAULT_SUBSCRIPTION_TIER: 'team' });
    try {
      const user = await signUp(teamServer.url);
      const me = await (await authedFetch(teamServer.url, user.token, '/api/me')).json();
      expect(me).toMatchObject({ subscription_tier: 'team' });
    } finally {
      await teamServer.close();
    }
  });

  it('answers too many sign-in attempts with 429', async () => {
    const limited = await startTestServer(store(), { AUTH_RATE_LIMIT_MAX: '3' });
    // Counters are shared through the store: start from none.
    await store().pool.query('DELETE FROM auth_rate_limits');
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const response = await fetch(`${limited.url}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' }),
        });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(await response.json()).toMatchObject({ error: { code: 'rate_limited' } });
        }
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
