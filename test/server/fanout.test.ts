import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { UserDoc, userDocName } from '@mindful/shared';
import {
  createLogger,
  encodeAwarenessNotice,
  generationNotice,
  parseAwarenessNotice,
  parseDocNotice,
  startServer,
  type RunningServer,
} from '@mindful/server';
import { openTestDatabase, storeKinds, type TestDatabase } from '../helpers/databases';
import { authedFetch, signUp, testConfig } from '../helpers/test-server';
import { closedWith, connectReplica, sessionEntry, synced } from './sync-helpers';

/** Resolves once `check` holds, checking now and after every update of `doc` (no polling). */
function whenDoc(doc: Y.Doc, check: () => boolean, what: string, timeoutMs = 10_000) {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      doc.off('update', onUpdate);
    };
    const onUpdate = () => {
      if (!check()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`Timed out waiting for ${what}`));
    }, timeoutMs);
    doc.on('update', onUpdate);
    onUpdate();
  });
}

/** One instance of the server; both share the test's database. */
function startInstance(db: TestDatabase): Promise<RunningServer> {
  const config = testConfig();
  return startServer({
    config,
    log: createLogger(config.logLevel),
    database: db,
    sync: { registry: { reconcileDebounceMs: 20 }, fanout: { minBackoffMs: 300 } },
  });
}

const sessionsOf = (doc: Y.Doc) =>
  new UserDoc(doc).readSessions().entries.sort((x, y) => x.id.localeCompare(y.id));

// PostgreSQL only: PGlite is one embedded process, with no other instance to
// tell. storeKinds() throws under CI=true without TEST_DATABASE_URL.
const kinds = storeKinds().filter((kind) => kind === 'postgres');
if (kinds.length === 0) {
  console.warn(
    'fanout.test.ts: TEST_DATABASE_URL is not set: the cross-instance suite needs PostgreSQL and is not declared',
  );
}

describe('fan-out notification payloads', () => {
  it('parses doc name, generation, id and instance, taking the numbers from the right', () => {
    expect(parseDocNotice('user:abc|3|42|77')).toEqual({
      docName: 'user:abc',
      generation: 3,
      id: '42',
      instance: '77',
    });
    expect(parseDocNotice('odd|name|1|2|0')).toMatchObject({ docName: 'odd|name', id: '2' });
    expect(parseDocNotice(generationNotice('user:abc', 2))).toEqual({
      docName: 'user:abc',
      generation: 2,
      id: '0',
      instance: '0',
    });
  });

  it('ignores anything else', () => {
    for (const payload of ['', 'user:abc|1|2', '|1|2|3', 'user:abc|0|2|3', 'user:abc|x|2|3']) {
      expect(parseDocNotice(payload)).toBeNull();
    }
  });

  it('carries awareness as base64 and refuses what would not fit in a notification', () => {
    const update = new Uint8Array([1, 2, 3, 250]);
    const payload = encodeAwarenessNotice({
      docName: 'odd|name',
      generation: 2,
      instance: '77',
      update,
    });
    expect(payload).not.toBeNull();
    expect(parseAwarenessNotice(payload!)).toEqual({
      docName: 'odd|name',
      generation: 2,
      instance: '77',
      update,
    });
    const big = new Uint8Array(6_000);
    expect(
      encodeAwarenessNotice({ docName: 'user:a', generation: 1, instance: '1', update: big }),
    ).toBeNull();
    for (const bad of ['', 'user:a|1|2', 'user:a|0|2|AQ==', 'user:a|1|2|', 'user:a|1|2|#!']) {
      expect(parseAwarenessNotice(bad)).toBeNull();
    }
  });
});

for (const kind of kinds) {
  describe(`two instances over one ${kind} fan updates out to each other`, () => {
    let db: TestDatabase;
    let a: RunningServer;
    let b: RunningServer;
    const providers: WebsocketProvider[] = [];
    const open = (...args: Parameters<typeof connectReplica>) => {
      const p = connectReplica(...args);
      providers.push(p);
      return p;
    };
    const live = async (server: RunningServer, userId: string) => {
      const doc = await server.ctx.registry.whenLoaded(userDocName(userId));
      if (!doc) throw new Error('document not loaded');
      return doc;
    };

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      [a, b] = await Promise.all([startInstance(db), startInstance(db)]);
    });
    afterEach(() => {
      for (const p of providers.splice(0)) p.destroy();
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await db?.dispose();
    });

    it('an edit on a replica of instance A reaches a replica of instance B, and back', async () => {
      const user = await signUp(a.url);
      const x = open(a.url, user);
      const y = open(b.url, user);
      await Promise.all([synced(x), synced(y)]);

      const entry = sessionEntry({ keystrokes: 42 });
      new UserDoc(x.doc).putSession(entry);
      await whenDoc(
        y.doc,
        () => new UserDoc(y.doc).getSession(entry.id)?.keystrokes === 42,
        'Y to see X edit',
      );
      new UserDoc(y.doc).putSession({ ...entry, keystrokes: 43 });
      await whenDoc(
        x.doc,
        () => new UserDoc(x.doc).getSession(entry.id)?.keystrokes === 43,
        'X to see Y edit',
      );

      // Each edit is logged once, by the instance that received it.
      const { rows } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM crdt_updates WHERE doc_name = $1',
        [userDocName(user.id)],
      );
      expect(rows[0]!.n).toBe(2);
      expect(a.ctx.registry.metrics.updatesFannedIn).toBeGreaterThan(0);
      expect(b.ctx.registry.metrics.updatesFannedIn).toBeGreaterThan(0);

      // Both in-memory documents converge on the replicas' state.
      const onA = await live(a, user.id);
      const onB = await live(b, user.id);
      const target = Y.encodeStateVector(x.doc);
      const holds = (doc: Y.Doc) => () =>
        Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(target));
      await whenDoc(onA.ydoc, holds(onA.ydoc), 'instance A to hold everything');
      await whenDoc(onB.ydoc, holds(onB.ydoc), 'instance B to hold everything');
      const fresh = (doc: Y.Doc) => {
        const copy = new Y.Doc();
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
        return copy;
      };
      expect(sessionsOf(fresh(onA.ydoc))).toEqual(sessionsOf(fresh(onB.ydoc)));
      expect(sessionsOf(onA.ydoc)).toEqual(sessionsOf(y.doc));
      // B's append of Y's edit may still be awaiting its reply from the store
      // (A can hear the commit first): once both queues drain they cover the same log.
      await Promise.all([onA.whenLogged(), onB.whenLogged()]);
      expect(onA.lastLoggedId).toBe(onB.lastLoggedId);
    });

    it('presence of a replica on instance A reaches a replica on instance B, and so does its leaving', async () => {
      const user = await signUp(a.url);
      const x = open(a.url, user);
      const y = open(b.url, user);
      await Promise.all([synced(x), synced(y)]);
      const seenByY = () =>
        y.awareness.getStates().get(x.awareness.clientID) as
          { user?: { name: string } } | undefined;
      const whenPresence = (check: () => boolean, what: string) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            y.awareness.off('update', onUpdate);
            reject(new Error(`Timed out waiting for ${what}`));
          }, 10_000);
          const onUpdate = () => {
            if (!check()) return;
            clearTimeout(timer);
            y.awareness.off('update', onUpdate);
            resolve();
          };
          y.awareness.on('update', onUpdate);
          onUpdate();
        });

      const relayedBefore = a.ctx.registry.metrics.awarenessFannedOut;
      x.awareness.setLocalStateField('user', { name: 'extension' });
      await whenPresence(() => seenByY()?.user?.name === 'extension', 'Y to see X’s presence');
      x.awareness.setLocalStateField('user', { name: 'extension, editing' });
      await whenPresence(
        () => seenByY()?.user?.name === 'extension, editing',
        'Y to see X’s presence change',
      );
      expect(a.ctx.registry.metrics.awarenessFannedOut).toBeGreaterThan(relayedBefore);
      expect(b.ctx.registry.metrics.awarenessFannedIn).toBeGreaterThan(0);

      // X's process dies (its socket drops without a goodbye): instance A
      // removes X's presence and B hears it at once, not after the 30 s timeout.
      x.shouldConnect = false;
      (x.ws as unknown as { terminate(): void }).terminate();
      await whenPresence(() => seenByY() === undefined, 'Y to see X vanish');
    });

    it('a REST write on instance A appears on a replica of instance B', async () => {
      const user = await signUp(a.url);
      const y = open(b.url, user);
      await synced(y);
      const response = await authedFetch(a.url, user.token, '/api/sessions/start', {
        method: 'POST',
        body: { language: 'typescript', device_id: 'laptop' },
      });
      expect(response.status).toBe(201);
      const session = (await response.json()) as { id: string };
      await whenDoc(
        y.doc,
        () => new UserDoc(y.doc).getSession(session.id) !== undefined,
        'Y to see the REST session',
      );
    });

    it('catches up after the listening connection drops', async () => {
      const user = await signUp(a.url);
      const x = open(a.url, user);
      const y = open(b.url, user);
      await Promise.all([synced(x), synced(y)]);
      const connectsBefore = b.ctx.registry.metrics.fanoutConnects;
      // Cut both instances' listeners; they reconnect after a backoff.
      const { rowCount } = await db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'mindful-fanout' AND datname = current_database()`,
      );
      expect(rowCount).toBe(2);
      const entry = sessionEntry({ keystrokes: 7 });
      new UserDoc(x.doc).putSession(entry);
      await whenDoc(
        y.doc,
        () => new UserDoc(y.doc).getSession(entry.id)?.keystrokes === 7,
        'Y to see the edit made while B was not listening',
      );
      expect(b.ctx.registry.metrics.fanoutConnects).toBeGreaterThan(connectsBefore);
    });

    it('a purge through instance A closes the replica on instance B with 4410', async () => {
      const user = await signUp(a.url);
      const x = open(a.url, user);
      const y = open(b.url, user);
      await Promise.all([synced(x), synced(y)]);
      new UserDoc(x.doc).putSession(sessionEntry());
      await whenDoc(y.doc, () => sessionsOf(y.doc).length === 1, 'Y to see the session');
      const xClosed = closedWith(x);
      const yClosed = closedWith(y);
      const purge = await authedFetch(a.url, user.token, '/api/privacy/purge?scope=data', {
        method: 'DELETE',
      });
      expect(purge.status).toBe(200);
      expect(await yClosed).toEqual({ code: 4410, reason: 'generation=2' });
      expect(await xClosed).toEqual({ code: 4410, reason: 'generation=2' });
      expect(b.ctx.registry.loadedNames()).not.toContain(userDocName(user.id));

      // The new generation syncs empty through B, and writes through A reach it.
      const fresh = open(b.url, user, { generation: 2 });
      await synced(fresh);
      expect(sessionsOf(fresh.doc)).toEqual([]);
      const again = sessionEntry();
      const x2 = open(a.url, user, { generation: 2 });
      await synced(x2);
      new UserDoc(x2.doc).putSession(again);
      await whenDoc(
        fresh.doc,
        () => new UserDoc(fresh.doc).getSession(again.id) !== undefined,
        'the new generation to fan out',
      );
    });
  });
}
