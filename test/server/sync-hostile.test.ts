import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { UserDoc, userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { unreconciledDocuments } from '../../server/src/projection/projection-store';
import { compactDocument } from '../../server/src/sync/compaction';
import { describeEachStore } from '../helpers/databases';
import { signUp, type TestUser } from '../helpers/test-server';
import { connectReplica, sessionEntry, startSyncServer, synced, waitFor } from './sync-helpers';

const LIMIT_BYTES = 64 * 1024;

/** A valid y-websocket awareness message of about half the size limit. */
function bigAwarenessMessage(n: number): Uint8Array {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState({ note: `${n}`.padEnd(LIMIT_BYTES / 2, 'x') });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [awareness.clientID]));
  awareness.destroy();
  return encoding.toUint8Array(encoder);
}

describeEachStore('sync socket under hostile input', (store) => {
  let server: RunningServer;
  let user: TestUser;

  /** A raw socket on the user's document that has received the server's sync step 1. */
  async function rawSocket(as: TestUser = user): Promise<WebSocket> {
    const ws = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/sync/${userDocName(as.id)}?token=${encodeURIComponent(as.token)}`,
    );
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  }
  const closeOf = (ws: WebSocket) =>
    new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

  beforeAll(async () => {
    server = await startSyncServer(
      store(),
      {},
      {
        maxMessageBytes: LIMIT_BYTES,
        burstMessages: 50,
        messagesPerSecond: 20,
        burstBytes: 4 * LIMIT_BYTES,
        bytesPerSecond: LIMIT_BYTES,
      },
    );
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('closes each misbehaving connection with its named code and keeps serving the others', async () => {
    const healthy = connectReplica(server.url, user);
    try {
      await synced(healthy);
      const cases: [string, (ws: WebSocket) => void, number][] = [
        ['trailing bytes', (ws) => ws.send(Buffer.from([3, 1])), 4400],
        ['unknown message type', (ws) => ws.send(Buffer.from([9, 1, 2])), 4415],
        ['truncated sync message', (ws) => ws.send(Buffer.from([0, 2, 200])), 4400],
        ['unknown sync type', (ws) => ws.send(Buffer.from([0, 7, 0])), 4400],
        ['garbage update', (ws) => ws.send(Buffer.from([0, 2, 4, 255, 255, 255, 255])), 4400],
        ['text frame', (ws) => ws.send('hello'), 4400],
        ['oversized frame', (ws) => ws.send(Buffer.alloc(LIMIT_BYTES + 1)), 1009],
        [
          'flood',
          (ws) => {
            for (let i = 0; i < 500; i++) ws.send(Buffer.from([3]));
          },
          4429,
        ],
      ];
      for (const [name, misbehave, code] of cases) {
        const ws = await rawSocket();
        const closed = closeOf(ws);
        misbehave(ws);
        expect({ name, code: await closed }).toEqual({ name, code });
      }
      // Few messages, each valid and under the size limit, but too many bytes together. (Another
      // user's document: a provider echoes every awareness change it hears, so the healthy replica
      // would send these bytes back and spend its own budget.)
      const flooder = await rawSocket(await signUp(server.url));
      const flooded = closeOf(flooder);
      for (let i = 0; i < 10; i++) flooder.send(bigAwarenessMessage(i));
      expect(await flooded).toBe(4429);
      // The healthy replica is still served.
      const entry = sessionEntry();
      new UserDoc(healthy.doc).putSession(entry);
      const check = connectReplica(server.url, user);
      try {
        await synced(check);
        await waitFor(
          () => new UserDoc(check.doc).getSession(entry.id) !== undefined,
          'the second replica to get the session',
        );
      } finally {
        check.destroy();
      }
      expect(server.ctx.registry.metrics.messagesRejected).toBeGreaterThanOrEqual(cases.length);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    } finally {
      healthy.destroy();
    }
  });

  it('accepts the session cookie only without a foreign Origin (no cross-site socket hijacking)', async () => {
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toContain('session_token');
    const url = `${server.url.replace(/^http/, 'ws')}/sync/${userDocName(user.id)}`;
    const firstEvent = (ws: WebSocket) =>
      new Promise<string>((resolve) => {
        ws.once('message', () => resolve('synced'));
        ws.once('close', (code) => resolve(`closed ${code}`));
      });
    const foreign = new WebSocket(url, { headers: { cookie, origin: 'https://evil.example' } });
    expect(await firstEvent(foreign)).toBe('closed 4401');
    const native = new WebSocket(url, { headers: { cookie } });
    expect(await firstEvent(native)).toBe('synced');
    native.close();
  });

  it('loses nothing written while compaction runs (only the merged rows are deleted)', async () => {
    const busy = await signUp(server.url);
    const docName = userDocName(busy.id);
    const ids: string[] = [];
    const put = async () => {
      const entry = sessionEntry();
      ids.push(entry.id);
      await server.ctx.registry.write(busy.id, (doc) => doc.putSession(entry));
    };
    for (let i = 0; i < 5; i++) await put();
    const { rows } = await store().pool.query(
      'SELECT generation FROM crdt_documents WHERE doc_name = $1',
      [docName],
    );
    const compactions = Array.from({ length: 3 }, async () => {
      const client = await store().pool.connect();
      try {
        return await compactDocument(client, server.ctx.cipher, docName, rows[0].generation);
      } finally {
        client.release();
      }
    });
    const writes = Array.from({ length: 20 }, () => put());
    await Promise.all([...compactions, ...writes]);
    await server.ctx.registry.evict(docName, 1);
    const reloaded = await server.ctx.registry.use(busy.id, async (doc) =>
      doc.userDoc.readSessions().entries.map((e) => e.id),
    );
    expect(reloaded.sort()).toEqual([...ids].sort());
  });

  it('compaction keeps a reconciled document reconciled and an unreconciled one unreconciled', async () => {
    const owner = await signUp(server.url);
    const docName = userDocName(owner.id);
    for (let i = 0; i < 5; i++) {
      await server.ctx.registry.write(owner.id, (doc) => doc.putSession(sessionEntry()));
    }
    await server.ctx.projection.reconcileNow(owner.id);
    const log = server.ctx.documentLog;
    const pending = async () =>
      (await unreconciledDocuments(store().pool, 10_000)).some((d) => d.docName === docName);
    const compact = async () => {
      const client = await store().pool.connect();
      try {
        return await compactDocument(client, server.ctx.cipher, docName, 1);
      } finally {
        client.release();
      }
    };
    expect(await pending()).toBe(false);
    expect(await compact()).toBe(5);
    // The start-up and periodic catch-up would otherwise reload it for nothing.
    expect(await pending()).toBe(false);

    // An entry logged but never reconciled (a crash in between), then compacted with the rest.
    const side = new Y.Doc();
    const unseen = sessionEntry({ end_time: '2026-01-05T10:00:00.000Z' });
    new UserDoc(side).putSession(unseen);
    await log.append(docName, owner.id, 1, Y.encodeStateAsUpdate(side));
    expect(await pending()).toBe(true);
    expect(await compact()).toBe(2);
    expect(await pending()).toBe(true);
    await server.ctx.registry.evict(docName, 1);
    expect(await server.ctx.projection.reconcilePending()).toBeGreaterThanOrEqual(1);
    const { rowCount } = await store().pool.query('SELECT 1 FROM coding_sessions WHERE id = $1', [
      unseen.id,
    ]);
    expect(rowCount).toBe(1);
    expect(await pending()).toBe(false);
  });

  it('compacts the log into one snapshot without losing an update and a restart reloads it', async () => {
    const compactUser = await signUp(server.url);
    const docName = userDocName(compactUser.id);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const entry = sessionEntry();
      ids.push(entry.id);
      await server.ctx.registry.write(compactUser.id, (doc) => doc.putSession(entry));
    }
    const count = async () =>
      (
        await store().pool.query(
          'SELECT count(*)::int AS n FROM crdt_updates WHERE doc_name = $1',
          [docName],
        )
      ).rows[0].n;
    expect(await count()).toBe(10);
    const client = await store().pool.connect();
    try {
      const { rows } = await client.query(
        'SELECT generation FROM crdt_documents WHERE doc_name = $1',
        [docName],
      );
      expect(await compactDocument(client, server.ctx.cipher, docName, rows[0].generation)).toBe(
        10,
      );
    } finally {
      client.release();
    }
    const late = sessionEntry();
    await server.ctx.registry.write(compactUser.id, (doc) => doc.putSession(late));
    expect(await count()).toBe(2);
    // Evicting forces the next access to reload from the log alone.
    await server.ctx.registry.evict(docName, 1);
    const reloaded = await server.ctx.registry.use(compactUser.id, async (doc) =>
      doc.userDoc.readSessions().entries.map((e) => e.id),
    );
    expect(reloaded.sort()).toEqual([...ids, late.id].sort());
    const fresh = new Y.Doc();
    const replica = connectReplica(server.url, compactUser, { doc: fresh });
    try {
      await synced(replica);
      expect(new UserDoc(fresh).readSessions().entries).toHaveLength(11);
    } finally {
      replica.destroy();
    }
  });
});
