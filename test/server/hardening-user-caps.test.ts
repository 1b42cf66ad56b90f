import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { UserDoc, userDocName } from '@mindful/shared';
import { createLogger, startServer, type RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, testConfig, type TestUser } from '../helpers/test-server';
import { closedWith, connectReplica, sessionEntry, synced, waitFor } from './sync-helpers';

const MAX_CONNECTIONS = 3;
const WRITE_BUDGET = 256 * 1024;
const MAX_DOCUMENT = 192 * 1024;

/** About 1 KiB of valid document per entry: 500-character project paths. */
function writeSessions(doc: Y.Doc, count: number): void {
  const userDoc = new UserDoc(doc);
  doc.transact(() => {
    for (let i = 0; i < count; i++) {
      userDoc.putSession(sessionEntry({ project_path: `/p/${i}/`.padEnd(500, 'x') }));
    }
  });
}

describeEachStore('hardening: per-user caps', (store) => {
  const servers: RunningServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startServer({
      config: testConfig(env),
      log: createLogger('silent'),
      database: store(),
      sync: { registry: { reconcileDebounceMs: 20 } },
    });
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    for (const server of servers) await server.close();
  });
  const replicas: WebsocketProvider[] = [];
  const open = (server: RunningServer, user: TestUser, doc = new Y.Doc()) => {
    const replica = connectReplica(server.url, user, { doc });
    replicas.push(replica);
    return replica;
  };
  afterAll(() => {
    for (const replica of replicas) replica.destroy();
  });

  let server: RunningServer;
  beforeAll(async () => {
    server = await start({
      SYNC_MAX_CONNECTIONS_PER_USER: String(MAX_CONNECTIONS),
      SYNC_USER_WRITE_BYTES: String(WRITE_BUDGET),
      SYNC_MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT),
    });
  });

  it('one user’s sockets past the cap are closed with 4429; other users still connect', async () => {
    const user = await signUp(server.url);
    const held = Array.from({ length: MAX_CONNECTIONS }, () => open(server, user));
    await Promise.all(held.map((replica) => synced(replica)));
    const extra = open(server, user);
    const closed = await closedWith(extra);
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/connections/);
    extra.destroy();

    const other = await signUp(server.url);
    const theirs = open(server, other);
    await synced(theirs);
    // One socket gone frees one place.
    held[0]!.destroy();
    await waitFor(async () => {
      const again = open(server, user);
      try {
        await synced(again, 2_000);
        return true;
      } catch {
        again.destroy();
        return false;
      }
    }, 'a place freed by a closed socket');
    expect(held.slice(1).every((replica) => replica.wsconnected)).toBe(true);
  });

  it('bytes written by all of one user’s sockets share one budget; others are unaffected', async () => {
    const user = await signUp(server.url);
    const bystander = await signUp(server.url);
    const docs = [new Y.Doc(), new Y.Doc()];
    const writers = docs.map((doc) => open(server, user, doc));
    await Promise.all(writers.map((replica) => synced(replica)));
    const closes = writers.map((replica) => closedWith(replica, 20_000));
    for (const close of closes) close.catch(() => undefined);
    // Each socket alone stays under the budget; together they exceed it.
    writeSessions(docs[0]!, 150);
    writeSessions(docs[1]!, 150);
    const first = await Promise.race(closes);
    expect(first.code).toBe(4429);
    expect(first.reason).toMatch(/write budget/);

    const theirDoc = new Y.Doc();
    const theirs = open(server, bystander, theirDoc);
    await synced(theirs);
    const entry = sessionEntry();
    new UserDoc(theirDoc).putSession(entry);
    await waitFor(
      async () =>
        (await store().pool.query('SELECT 1 FROM coding_sessions WHERE id = $1', [entry.id]))
          .rowCount === 1,
      'the bystander’s session',
    );
  });

  it('a document past its size cap refuses more: 4413 on the socket, 413 on REST', async () => {
    const user = await signUp(server.url);
    const bystander = await signUp(server.url);
    // A fresh instance, so this user's write budget is not what stops them.
    const roomy = await start({
      SYNC_USER_WRITE_BYTES: String(64 * 1024 * 1024),
      SYNC_MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT),
    });
    const doc = new Y.Doc();
    const writer = open(roomy, user, doc);
    await synced(writer);
    const closed = closedWith(writer, 20_000);
    for (let round = 0; round < 40 && writer.wsconnected; round++) {
      writeSessions(doc, 20);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const close = await closed;
    expect(close.code).toBe(4413);
    const { rows } = await store().pool.query<{ bytes: string }>(
      'SELECT COALESCE(SUM(byte_length), 0)::text AS bytes FROM crdt_updates WHERE doc_name = $1',
      [userDocName(user.id)],
    );
    // At most the cap plus the one update that was refused never got in.
    expect(Number(rows[0]!.bytes)).toBeLessThanOrEqual(MAX_DOCUMENT);

    // REST writes are small: they fill what room is left, then get 413.
    let rest: Response | undefined;
    for (let i = 0; i < 500; i++) {
      rest = await authedFetch(roomy.url, user.token, '/api/sessions/start', {
        method: 'POST',
        body: { project_path: '/p/'.padEnd(500, 'x') },
      });
      if (rest.status !== 201) break;
      await rest.arrayBuffer();
    }
    expect(rest!.status).toBe(413);
    expect(((await rest!.json()) as { error: { code: string } }).error.code).toBe(
      'document_too_large',
    );
    const theirs = await authedFetch(roomy.url, bystander.token, '/api/sessions/start', {
      method: 'POST',
      body: {},
    });
    expect(theirs.status).toBe(201);
  });
});
