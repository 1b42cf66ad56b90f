import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import {
  createMindfulClient,
  openPgliteReplicaStore,
  type MindfulClient,
  type ReplicaStore,
  type SyncStatus,
} from '@mindful/client-sdk';

import { describeEachStore } from '../helpers/databases';
import { signUp, testConfig, type TestUser } from '../helpers/test-server';
import { workingDay } from './fixtures/working-day';
import { eventually } from './helpers/wait';

const USER = '3e9a1c2b-4d5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A real `ws` server that closes each connection with the code `closeWith` picks for it. */
async function refusingServer(closeWith: (connection: number) => { code: number; reason: string }) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const connectedAt: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  wss.on('connection', (socket) => {
    connectedAt.push(Date.now());
    const { code, reason } = closeWith(connectedAt.length);
    socket.close(code, reason);
    for (const waiter of waiters.filter((w) => connectedAt.length >= w.count)) waiter.resolve();
  });
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    connectedAt,
    /** Resolves once `count` connections have been made. */
    connections: (count: number) =>
      new Promise<void>((resolve) => {
        if (connectedAt.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

/** Every status the client reports from now on, and a way to wait for one. */
function recordStatuses(client: MindfulClient) {
  const seen: { status: SyncStatus; detail?: string }[] = [];
  client.events.on('status', (s) => seen.push(s));
  return {
    seen,
    /** The first status from now on matching `match`; rejects after `ms` (a loop never matches). */
    next: (match: (s: { status: SyncStatus; detail?: string }) => boolean, ms = 10_000) =>
      Promise.race([
        client.events.once('status', match),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`no matching status in ${ms} ms; saw ${JSON.stringify(seen)}`)),
            ms,
          ).unref(),
        ),
      ]),
  };
}

/** The store, lent: a client's close() leaves it open for the next test (PGlite opens slowly). */
function lend(store: ReplicaStore): ReplicaStore {
  return new Proxy(store, {
    get: (target, key) =>
      key === 'close'
        ? () => Promise.resolve()
        : (Reflect.get(target, key) as unknown as (...args: unknown[]) => unknown).bind(target),
  });
}

describe('the client facing a server that refuses it', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let store: ReplicaStore;
  beforeAll(async () => {
    store = await openPgliteReplicaStore('memory://');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await store?.close();
  });

  const open = async (url: string, maxBackoffTime: number) => {
    const client = await createMindfulClient({
      dataDir: 'memory://',
      store: lend(store),
      userId: USER,
      serverUrl: url,
      auth: { getToken: () => Promise.resolve('token') },
      maxBackoffTime,
    });
    cleanups.unshift(() => client.close());
    return client;
  };

  it.each([
    { code: 4415, reason: 'unsupported message type', says: /4415.*protocol versions/ },
    { code: 4400, reason: 'malformed message', says: /malformed \(4400/ },
    { code: 4413, reason: 'message too large', says: /refused this replica \(4413/ },
    { code: 1009, reason: 'message too big', says: /state is too large.*\(1009/ },
    { code: 4499, reason: 'some future refusal', says: /refused this replica \(4499/ },
  ])('stops after the first $code and says why, instead of reconnecting', async (refusal) => {
    const server = await refusingServer(() => refusal);
    cleanups.push(server.close);
    const client = await open(server.url, 20);
    const statuses = recordStatuses(client);
    // Opening the socket is under way the moment the client is returned.
    expect(client.status).toBe('connecting');

    const stopped = await statuses.next((s) => s.status !== 'connecting' && s.status !== 'offline');
    expect(stopped.status).toBe('error');
    expect(stopped.detail).toMatch(refusal.says);
    expect(stopped.detail).toContain(refusal.reason);
    // With a 20 ms backoff a reconnecting client would have come back dozens of times by now.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(server.connectedAt).toHaveLength(1);
    expect(client.status).toBe('error');
    expect(statuses.seen.map((s) => s.status)).toEqual(['error']);
  });

  it('backs off after 4429, with delays that grow while the server keeps refusing', async () => {
    const server = await refusingServer(() => ({ code: 4429, reason: 'too many messages' }));
    cleanups.push(server.close);
    const client = await open(server.url, 10_000);
    const statuses = recordStatuses(client);
    expect(client.status).toBe('connecting');

    const waiting = await statuses.next((s) => s.status === 'offline' && s.detail !== undefined);
    expect(waiting.detail).toMatch(/rate-limiting this replica \(4429.*reconnecting in \d/);
    await server.connections(3);
    const [first, second, third] = server.connectedAt as [number, number, number];
    // Jittered into the upper half of 1 s, then of 2 s (timers fire a little early at most).
    expect(second - first).toBeGreaterThanOrEqual(480);
    expect(second - first).toBeLessThan(1500);
    expect(third - second).toBeGreaterThanOrEqual(980);
    // Between attempts it reports why it waits, and `connecting` again when it retries.
    const kinds = statuses.seen.map((s) => s.status);
    expect(kinds).toContain('connecting');
    expect(kinds.indexOf('connecting')).toBeGreaterThan(kinds.indexOf('offline'));
    expect(kinds).not.toContain('error');
  });

  it('reconnects after 1011 (the server could not store the changes) and says so meanwhile', async () => {
    const server = await refusingServer((n) =>
      n === 1
        ? { code: 1011, reason: 'internal error; reconnect to re-sync' }
        : { code: 4415, reason: 'unsupported message type' },
    );
    cleanups.push(server.close);
    const client = await open(server.url, 50);
    const statuses = recordStatuses(client);
    const waiting = await statuses.next((s) => s.status === 'offline' && s.detail !== undefined);
    expect(waiting.detail).toMatch(/could not store .*\(1011\).*reconnecting in/);
    await server.connections(2);
    // The second connection is refused for good: the client had really come back.
    await statuses.next((s) => s.status === 'error');
  });
});

describeEachStore('a real server refusing a replica', (database) => {
  const config = testConfig();
  const servers: RunningServer[] = [];
  const clients: MindfulClient[] = [];
  let store: ReplicaStore;
  let user: TestUser;
  const serve = async (limits: Record<string, number>) => {
    const server = await startServer({
      config,
      log: createLogger(config.logLevel),
      database: database(),
      sync: { limits },
    });
    servers.push(server);
    return server;
  };
  const open = async (server: RunningServer) => {
    const client = await createMindfulClient({
      dataDir: 'memory://',
      store: lend(store),
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(user.token) },
      maxBackoffTime: 300,
    });
    clients.push(client);
    return client;
  };
  let flooded: RunningServer;
  beforeAll(async () => {
    store = await openPgliteReplicaStore('memory://');
    flooded = await serve({ burstMessages: 10, messagesPerSecond: 2 });
    user = await signUp(flooded.url);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const server of servers) await server.close();
    await store?.close();
  });

  const day = workingDay(Date.parse('2026-03-05T08:00:00Z'), { seed: 5, sessions: 2, minutes: 20 });

  it('a replica whose state is over its message limit stops with error, saying so', async () => {
    // A day captured offline: its first sync sends all of it in one message.
    const offline = await createMindfulClient({
      dataDir: 'memory://',
      store: lend(store),
      userId: user.id,
    });
    for (const planned of day) {
      await offline.startSession({ startTime: planned.start, language: planned.language });
      for (const event of planned.events) await offline.recordActivity(event);
      await offline.endSession(planned.end);
    }
    const size = Y.encodeStateAsUpdate(offline.doc.ydoc).byteLength;
    await offline.close();
    expect(size).toBeGreaterThan(2000);

    const server = await serve({ maxMessageBytes: Math.floor(size / 2) });
    const client = await open(server);
    const statuses = recordStatuses(client);
    // `synced` may come first: the server's state arrives before it reads the replica's.
    const stopped = await statuses.next((s) => s.status !== 'connecting' && s.status !== 'synced');
    expect(stopped.status).toBe('error');
    expect(stopped.detail).toMatch(/state is too large for one sync message \(1009/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(client.status).toBe('error');
    expect(statuses.seen.at(-1)).toBe(stopped);
    expect(statuses.seen.filter((s) => s.status === 'connecting')).toEqual([]);
    await client.close();
  });

  it('a replica that floods it (4429) backs off, reconnects and syncs everything', async () => {
    const client = await open(flooded);
    const statuses = recordStatuses(client);
    expect(client.status).toBe('connecting');
    await statuses.next((s) => s.status === 'synced');

    // Each settings change is one document update, sent as one message: 30 at once is a flood.
    for (let i = 0; i < 30; i++) client.doc.updateSettings({ track_project_names: i % 2 === 1 });
    await statuses.next((s) => s.status === 'offline' && /4429/.test(s.detail ?? ''));
    await statuses.next((s) => s.status === 'connecting');
    await statuses.next((s) => s.status === 'synced');
    await eventually(
      async () =>
        (
          await database().pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM coding_sessions WHERE user_id = $1 AND end_time IS NOT NULL',
            [user.id],
          )
        ).rows[0]!.n === day.length,
      20_000,
      'every session on the server',
    );
    expect(statuses.seen.map((s) => s.status)).not.toContain('error');
  });
});
