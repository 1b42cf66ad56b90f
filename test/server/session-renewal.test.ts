import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, startTestServer, type TestUser } from '../helpers/test-server';
import { countQueries } from './query-counter';

// A verified bearer token is trusted from memory for AUTH_SESSION_CACHE_MS. Past that, it is
// checked again in one query (its session still stored and unexpired, its user as they are now)
// instead of through better-auth, unless better-auth would extend the session on this request.
// An editor sending an update every 30 s is past the 10 s cache on almost every request.

const CACHE_MS = 150;
const pastCache = () => new Promise((resolve) => setTimeout(resolve, CACHE_MS + 50));

describeEachStore('a cached bearer token past its time', (store) => {
  let server: RunningServer;
  let counter: ReturnType<typeof countQueries>;
  beforeAll(async () => {
    server = await startTestServer(store(), { AUTH_SESSION_CACHE_MS: String(CACHE_MS) });
    counter = countQueries();
  });
  afterAll(async () => {
    counter?.restore();
    await server?.close();
  });

  /** GET /api/me (no query of its own): its status, body and the queries it took. */
  const me = async (user: TestUser) => {
    counter.take();
    const response = await authedFetch(server.url, user.token, '/api/me');
    return {
      status: response.status,
      body: (await response.json()) as { timezone?: string },
      queries: counter.take(),
    };
  };
  const expiresAt = async (user: TestUser) =>
    (
      await store().pool.query<{ expires_at: Date }>(
        'SELECT expires_at FROM auth_sessions WHERE user_id = $1',
        [user.id],
      )
    ).rows[0]!.expires_at.getTime();

  it('is confirmed in one query, and then trusted from memory again', async () => {
    const user = await signUp(server.url);
    expect((await me(user)).status).toBe(200);
    expect((await me(user)).queries).toBe(0);
    await pastCache();
    expect(await me(user)).toMatchObject({ status: 200, queries: 1 });
    expect((await me(user)).queries).toBe(0);
  });

  it('sees the user as they are now', async () => {
    const user = await signUp(server.url, { timezone: 'Europe/Paris' });
    expect((await me(user)).body.timezone).toBe('Europe/Paris');
    // Changed behind this instance's back (another instance, an operator).
    await store().pool.query(`UPDATE users SET timezone = 'Asia/Tokyo' WHERE id = $1`, [user.id]);
    await pastCache();
    expect((await me(user)).body.timezone).toBe('Asia/Tokyo');
  });

  it('is refused once its session is gone (sign-out on another instance)', async () => {
    const user = await signUp(server.url);
    expect((await me(user)).status).toBe(200);
    await store().pool.query('DELETE FROM auth_sessions WHERE user_id = $1', [user.id]);
    expect((await me(user)).status).toBe(200); // still within the cache's time
    await pastCache();
    expect((await me(user)).status).toBe(401);
  });

  it('is refused once its session expired', async () => {
    const user = await signUp(server.url);
    expect((await me(user)).status).toBe(200);
    await store().pool.query(
      `UPDATE auth_sessions SET expires_at = NOW() - interval '1 second' WHERE user_id = $1`,
      [user.id],
    );
    await pastCache();
    expect((await me(user)).status).toBe(401);
  });

  it('goes through better-auth when the session is due to be extended, which extends it', async () => {
    const user = await signUp(server.url);
    expect((await me(user)).status).toBe(200); // verified by better-auth: 7 days left
    // better-auth extends a 7-day session once a day: with 5 days left, it is due.
    await store().pool.query(
      `UPDATE auth_sessions SET expires_at = NOW() + interval '5 days' WHERE user_id = $1`,
      [user.id],
    );
    const shortened = await expiresAt(user);
    await pastCache();
    // The cache still knows 7 days: not due, one query, which tells it 5 days; nothing extended.
    expect(await me(user)).toMatchObject({ status: 200, queries: 1 });
    expect(await expiresAt(user)).toBe(shortened);
    await pastCache();
    // Now due: better-auth verifies and extends the session.
    const extended = await me(user);
    expect(extended.status).toBe(200);
    expect(extended.queries).toBeGreaterThan(1);
    expect(await expiresAt(user)).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600 * 1000);
  });
});
