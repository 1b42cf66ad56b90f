import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, openDatabase, startServer, type Database } from '@mindful/server';
import { storeKinds, type StoreKind } from '../helpers/databases';
import { createScratchDatabase } from '../helpers/scratch-database';
import { authedFetch, signUp, testConfig } from '../helpers/test-server';

/**
 * A TCP relay in front of PostgreSQL that the test can pull out, so the
 * database becomes unreachable the way a network cut makes it: refused
 * connections and dead sockets, not an orderly shutdown.
 */
async function relayTo(target: URL) {
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((relay.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    async cut() {
      await new Promise<void>((resolve) => {
        relay.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** A store the test can make unreachable while the server keeps running. */
async function unplugableStore(kind: StoreKind): Promise<{
  database: Database;
  unplug(): Promise<void>;
  dispose(): Promise<void>;
}> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    let closed = false;
    return {
      database,
      async unplug() {
        closed = true;
        await database.close();
      },
      async dispose() {
        if (!closed) await database.close();
      },
    };
  }
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!, 'mc_unplug');
  const relay = await relayTo(new URL(scratch.url));
  const database = await openDatabase({ kind: 'postgres', url: relay.url, maxConnections: 4 });
  return {
    database,
    unplug: () => relay.cut(),
    async dispose() {
      await relay.cut();
      await database.close().catch(() => undefined);
      await scratch.drop();
    },
  };
}

for (const kind of storeKinds()) {
  describe(`hardening: REST while the database is unreachable [${kind}]`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('answers 503 in the API error shape, never 500, on the API and the auth routes', async () => {
      const store = await unplugableStore(kind);
      cleanups.push(() => store.dispose());
      const server = await startServer({
        config: testConfig(),
        log: createLogger('silent'),
        database: store.database,
      });
      cleanups.push(() => server.close());
      // One user whose token this instance has verified (cached), one it has not.
      const known = await signUp(server.url);
      const unknown = await signUp(server.url);
      expect((await authedFetch(server.url, known.token, '/api/me')).status).toBe(200);

      await store.unplug();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);

      const attempts: [string, Promise<Response>][] = [
        ['history (verified token)', authedFetch(server.url, known.token, '/api/sessions/history')],
        [
          'session start (verified token)',
          authedFetch(server.url, known.token, '/api/sessions/start', {
            method: 'POST',
            body: { language: 'typescript' },
          }),
        ],
        ['me (unverified token)', authedFetch(server.url, unknown.token, '/api/me')],
        [
          'sign-in',
          fetch(`${server.url}/api/auth/sign-in/email`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: known.email, password: known.password }),
          }),
        ],
      ];
      for (const [what, pending] of attempts) {
        const response = await pending;
        const body = (await response.json()) as { error?: { code: string; message: string } };
        expect({ what, status: response.status, code: body.error?.code }).toEqual({
          what,
          status: 503,
          code: 'unavailable',
        });
        expect(JSON.stringify(body)).not.toMatch(/at .*\.[jt]s:\d+/);
      }
    }, 60_000);
  });
}
