import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc } from '@mindful/shared';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, testConfig, type TestUser } from '../helpers/test-server';
import { closedWith, connectReplica, sessionEntry, synced } from './sync-helpers';

/** Sessions are re-checked on this clock: a socket must close within it (plus a query). */
const CACHE_MS = 300;

/** A second bearer token for the same account (a second device). */
async function signIn(baseUrl: string, user: TestUser): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  expect(response.status).toBe(200);
  return response.headers.get('set-auth-token')!;
}

describeEachStore('hardening: an open sync socket ends with its session', (store, kind) => {
  const servers: RunningServer[] = [];
  let server: RunningServer;
  const start = async () => {
    const config = testConfig({ AUTH_SESSION_CACHE_MS: String(CACHE_MS) });
    const started = await startServer({
      config,
      log: createLogger('silent'),
      database: store(),
      sync: { registry: { reconcileDebounceMs: 20 } },
    });
    servers.push(started);
    return started;
  };
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    for (const running of servers) await running.close();
  });

  /** A synced replica on `on`, and a promise of its close event. */
  const openSocket = async (on: RunningServer, user: TestUser, token = user.token) => {
    const doc = new Y.Doc();
    const replica = connectReplica(on.url, { id: user.id, token }, { doc });
    await synced(replica);
    const closed = closedWith(replica, 15_000);
    // Awaited only where the test expects a close; a kept socket's timeout is no failure.
    closed.catch(() => undefined);
    return { replica, doc, closed };
  };

  /** After the close, a write on the replica's document must not reach the tables. */
  const expectNoLateWrites = async (doc: Y.Doc) => {
    const late = sessionEntry();
    new UserDoc(doc).putSession(late);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { rowCount } = await store().pool.query('SELECT 1 FROM coding_sessions WHERE id = $1', [
      late.id,
    ]);
    expect(rowCount).toBe(0);
  };

  /** Signs out through `server` while `holder` (the same or another instance) holds the user's socket. */
  const signOutClosesSocketHeldBy = async (holder: RunningServer) => {
    const user = await signUp(server.url);
    const socket = await openSocket(holder, user);
    try {
      const out = await authedFetch(server.url, user.token, '/api/auth/sign-out', {
        method: 'POST',
        body: {},
      });
      expect(out.status).toBe(200);
      expect((await socket.closed).code).toBe(4401);
      await expectNoLateWrites(socket.doc);
    } finally {
      socket.replica.destroy();
    }
  };

  it('sign-out closes the socket with 4401', () => signOutClosesSocketHeldBy(server));

  it('revoking the session from another device closes it with 4401; the other device stays', async () => {
    const user = await signUp(server.url);
    const otherToken = await signIn(server.url, user);
    const socket = await openSocket(server, user);
    const keeper = await openSocket(server, user, otherToken);
    try {
      const revoke = await authedFetch(server.url, otherToken, '/api/auth/revoke-other-sessions', {
        method: 'POST',
        body: {},
      });
      expect(revoke.status).toBe(200);
      expect((await socket.closed).code).toBe(4401);
      expect(keeper.replica.wsconnected).toBe(true);
    } finally {
      socket.replica.destroy();
      keeper.replica.destroy();
    }
  });

  it('an expired session closes it with 4401', async () => {
    const user = await signUp(server.url);
    const socket = await openSocket(server, user);
    try {
      await store().pool.query(
        `UPDATE auth_sessions SET expires_at = NOW() - INTERVAL '1 second' WHERE user_id = $1`,
        [user.id],
      );
      expect((await socket.closed).code).toBe(4401);
    } finally {
      socket.replica.destroy();
    }
  });

  it('a password change that ends the other sessions closes their sockets with 4401', async () => {
    const user = await signUp(server.url);
    const otherToken = await signIn(server.url, user);
    const socket = await openSocket(server, user);
    try {
      const change = await authedFetch(server.url, otherToken, '/api/auth/change-password', {
        method: 'POST',
        body: {
          currentPassword: user.password,
          newPassword: 'another correct horse',
          revokeOtherSessions: true,
        },
      });
      expect(change.status).toBe(200);
      expect((await socket.closed).code).toBe(4401);
    } finally {
      socket.replica.destroy();
    }
  });

  it('purging the account closes it (4410 tells the replica to wipe)', async () => {
    const user = await signUp(server.url);
    const socket = await openSocket(server, user);
    try {
      const purge = await authedFetch(server.url, user.token, '/api/privacy/purge', {
        method: 'DELETE',
      });
      expect(purge.status).toBe(200);
      expect([4401, 4410]).toContain((await socket.closed).code);
    } finally {
      socket.replica.destroy();
    }
  });

  // Instances share sessions through PostgreSQL only; embedded PGlite is one process.
  if (kind === 'postgres') {
    it('a sign-out on one instance closes the socket held by another instance', async () =>
      signOutClosesSocketHeldBy(await start()));
  }
});
