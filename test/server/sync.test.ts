import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import { UserDoc, userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp } from '../helpers/test-server';
import {
  closedWith,
  connectReplica,
  sessionEntry,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

describeEachStore('sync socket with real y-websocket providers', (store) => {
  let server: RunningServer;
  const providers: WebsocketProvider[] = [];
  const open = (...args: Parameters<typeof connectReplica>) => {
    const p = connectReplica(...args);
    providers.push(p);
    return p;
  };
  beforeAll(async () => {
    server = await startSyncServer(store());
  });
  // Each test's replicas go with it (every provider holds a process 'exit' listener).
  afterEach(() => {
    for (const p of providers.splice(0)) p.destroy();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('converges two replicas of one user and reconciles their sessions into rows', async () => {
    const user = await signUp(server.url);
    const a = open(server.url, user);
    const b = open(server.url, user);
    await Promise.all([synced(a), synced(b)]);
    const entry = sessionEntry({ keystrokes: 42 });
    new UserDoc(a.doc).putSession(entry);
    await waitFor(
      () => new UserDoc(b.doc).getSession(entry.id)?.keystrokes === 42,
      'b to see a session',
    );
    new UserDoc(b.doc).putSession({ ...entry, keystrokes: 43 });
    await waitFor(
      () => new UserDoc(a.doc).getSession(entry.id)?.keystrokes === 43,
      'a to see b edit',
    );
    expect(Y.encodeStateAsUpdate(a.doc)).toEqual(Y.encodeStateAsUpdate(b.doc));
    await waitFor(async () => {
      const { rows } = await store().pool.query(
        'SELECT keystrokes, user_id FROM coding_sessions WHERE id = $1',
        [entry.id],
      );
      return rows[0]?.keystrokes === 43 && rows[0]?.user_id === user.id;
    }, 'the row to be reconciled');
    const { rows: log } = await store().pool.query(
      'SELECT payload FROM crdt_updates WHERE doc_name = $1',
      [userDocName(user.id)],
    );
    expect(log.length).toBeGreaterThan(0);
    for (const row of log) expect(row.payload).toMatch(/^mc1\./);
  });

  it('shows a REST-started session in a connected replica', async () => {
    const user = await signUp(server.url);
    const replica = open(server.url, user);
    await synced(replica);
    const response = await authedFetch(server.url, user.token, '/api/sessions/start', {
      method: 'POST',
      body: { language: 'typescript', device_id: 'laptop' },
    });
    expect(response.status).toBe(201);
    const session = (await response.json()) as { id: string; user_id: string };
    expect(session.user_id).toBe(user.id);
    await waitFor(
      () => new UserDoc(replica.doc).getSession(session.id) !== undefined,
      'the replica to see the session',
    );
  });

  it('refuses no token with 4401 and a garbage token with 4401', async () => {
    const user = await signUp(server.url);
    const none = open(server.url, { ...user, token: '' });
    expect((await closedWith(none)).code).toBe(4401);
    const bad = open(server.url, { ...user, token: 'garbage' });
    expect((await closedWith(bad)).code).toBe(4401);
  });

  it('accepts the bearer token in the Authorization header instead of ?token=', async () => {
    const user = await signUp(server.url);
    const url = `${server.url.replace(/^http/, 'ws')}/sync/${userDocName(user.id)}`;
    const connect = (authorization: string) => {
      const ws = new WebSocket(url, { headers: { authorization } });
      const outcome = new Promise<string>((resolve) => {
        // The server's sync step 1 arrives only on an authenticated socket.
        ws.on('message', () => resolve('synced'));
        ws.on('close', (code) => resolve(`closed ${code}`));
      });
      return outcome.finally(() => ws.close());
    };
    expect(await connect(`Bearer ${user.token}`)).toBe('synced');
    expect(await connect('Bearer garbage')).toBe('closed 4401');
  });

  it("refuses another user's document with 4403", async () => {
    const alice = await signUp(server.url);
    const bob = await signUp(server.url);
    const sneaky = open(server.url, bob, { docName: userDocName(alice.id) });
    expect((await closedWith(sneaky)).code).toBe(4403);
    const notADoc = open(server.url, bob, { docName: 'team:whatever' });
    expect((await closedWith(notADoc)).code).toBe(4403);
  });

  it('closes a stale generation with 4410 before any sync message, and applies nothing it sent', async () => {
    const user = await signUp(server.url);
    const fresh = open(server.url, user);
    await synced(fresh);
    fresh.destroy();
    await store().pool.query('UPDATE crdt_documents SET generation = 3 WHERE doc_name = $1', [
      userDocName(user.id),
    ]);
    await server.ctx.registry.evict(userDocName(user.id), 3);

    // A raw socket shows exactly what the server sends: nothing but the close.
    const url = `${server.url.replace(/^http/, 'ws')}/sync/${userDocName(user.id)}?token=${encodeURIComponent(user.token)}&generation=2`;
    const ws = new WebSocket(url);
    const received: Buffer[] = [];
    ws.on('message', (data) => received.push(data as Buffer));
    const stale = new Y.Doc();
    new UserDoc(stale).putSession(sessionEntry());
    ws.on('open', () => {
      // Sync step 2 with old state, sent the instant the socket opens.
      const update = Y.encodeStateAsUpdate(stale);
      ws.send(
        Buffer.concat([Buffer.from([0, 1]), encodeVarUint(update.length), Buffer.from(update)]),
      );
    });
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed).toEqual({ code: 4410, reason: 'generation=3' });
    expect(received).toHaveLength(0);
    const { rows } = await store().pool.query(
      'SELECT count(*)::int AS n FROM crdt_updates WHERE doc_name = $1 AND generation = 3',
      [userDocName(user.id)],
    );
    expect(rows[0].n).toBe(0);

    const current = open(server.url, user, { generation: 3 });
    await synced(current);
  });

  it('tells an offline replica of a deleted account to wipe (4410) from the tombstone alone', async () => {
    const gone = randomUUID();
    const docName = userDocName(gone);
    await store().pool.query(
      `INSERT INTO purge_tombstones (subject_hash, generation, scope) VALUES ($1, 2, 'all')`,
      [createHash('sha256').update(docName).digest('hex')],
    );
    const stale = open(
      server.url,
      { id: gone, token: 'token-of-a-deleted-account' },
      { generation: 1 },
    );
    expect(await closedWith(stale)).toEqual({ code: 4410, reason: 'generation=2' });
    const current = open(
      server.url,
      { id: gone, token: 'token-of-a-deleted-account' },
      { generation: 2 },
    );
    expect((await closedWith(current)).code).toBe(4401);
  });

  it('relays awareness between replicas', async () => {
    const user = await signUp(server.url);
    const a = open(server.url, user);
    const b = open(server.url, user);
    await Promise.all([synced(a), synced(b)]);
    a.awareness.setLocalStateField('device', 'laptop');
    await waitFor(
      () => b.awareness.getStates().get(a.doc.clientID)?.device === 'laptop',
      'b to see the awareness of a',
    );
  });

  it('unloads an idle document and reloads it from the log', async () => {
    const idleServer = await startSyncServer(store(), { idleUnloadMs: 100 });
    try {
      const user = await signUp(idleServer.url);
      const replica = connectReplica(idleServer.url, user);
      await synced(replica);
      const entry = sessionEntry();
      new UserDoc(replica.doc).putSession(entry);
      await waitFor(
        () => idleServer.ctx.registry.metrics.updatesPersisted > 0,
        'the update to be logged',
      );
      replica.destroy();
      await waitFor(
        () => idleServer.ctx.registry.loadedCount === 0,
        'the idle document to be unloaded',
      );
      expect(idleServer.ctx.registry.metrics.documentsUnloaded).toBeGreaterThan(0);
      const again = connectReplica(idleServer.url, user, { doc: new Y.Doc() });
      try {
        await synced(again);
        expect(new UserDoc(again.doc).getSession(entry.id)).toEqual(entry);
      } finally {
        again.destroy();
      }
    } finally {
      await idleServer.close();
    }
  });

  it('evict closes connected replicas with 4410 at once', async () => {
    const user = await signUp(server.url);
    const replica = open(server.url, user);
    await synced(replica);
    const closing = closedWith(replica);
    await server.ctx.registry.evict(userDocName(user.id), 2);
    expect(await closing).toEqual({ code: 4410, reason: 'generation=2' });
  });
});

function encodeVarUint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
