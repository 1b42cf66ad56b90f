import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SYNC_CLOSE, UserDoc, userDocName, type SyncClose } from '@mindful/shared';
import { createLogger, MemoryDocumentLog, type DocumentLog } from '@mindful/server';
import { DocumentRegistry, RegistryClosedError } from '../../server/src/sync/document-registry';
import type { DocumentPeer, LiveDocument } from '../../server/src/sync/live-document';
import { decodeClientMessage } from '../../server/src/sync/protocol';
import { sessionEntry } from './sync-helpers';

// The sync core (registry, live document, write queue, broadcast) on the in-memory log: no
// database, no sockets, so these run in milliseconds. The socket and the PostgreSQL log have
// their own suites (sync.test.ts, document-log.test.ts).

const logger = createLogger('silent');

/** A connected replica as the document sees it: records what it is sent and how it is closed. */
class RecordingPeer implements DocumentPeer {
  readonly awarenessIds = new Set<number>();
  readonly frames: Uint8Array[] = [];
  closedWith: { code: number; reason: string } | null = null;
  send(frame: Uint8Array): void {
    this.frames.push(frame);
  }
  close(code: SyncClose, reason?: string): void {
    this.closedWith = { code: code.code, reason: reason ?? code.reason };
  }
  /** The session ids the updates it was sent hold. */
  sessionIds(): string[] {
    const doc = new Y.Doc();
    for (const frame of this.frames) {
      const message = decodeClientMessage(frame);
      if (message.type === 'sync-update') Y.applyUpdate(doc, message.update);
    }
    return [...new UserDoc(doc).sessions.keys()].sort();
  }
}

const userId = '0b9c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';
const docName = userDocName(userId);

function setup(options: { log?: DocumentLog; idleUnloadMs?: number } = {}) {
  const memory = new MemoryDocumentLog();
  const registry = new DocumentRegistry(options.log ?? memory, logger, {
    idleUnloadMs: options.idleUnloadMs ?? 60_000,
  });
  return { memory, registry };
}

async function attached(registry: DocumentRegistry): Promise<[LiveDocument, RecordingPeer]> {
  const doc = await registry.acquire(docName, userId);
  const peer = new RecordingPeer();
  doc.attach(peer);
  registry.release(doc);
  return [doc, peer];
}

describe('the sync core on the in-memory log', () => {
  it('relays a write to the peers at once, and acknowledges it only once it is logged', async () => {
    const memory = new MemoryDocumentLog();
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gated: DocumentLog = {
      ensureDocument: (n, u) => memory.ensureDocument(n, u),
      currentGeneration: (n) => memory.currentGeneration(n),
      load: (n, g, s) => memory.load(n, g, s),
      compact: (n) => memory.compact(n),
      append: async (n, u, g, update) => {
        await gate;
        return memory.append(n, u, g, update);
      },
    };
    const { registry } = setup({ log: gated });
    const [doc, peer] = await attached(registry);
    const entry = sessionEntry();
    let acknowledged = false;
    const write = doc.write((d) => d.putSession(entry)).then(() => (acknowledged = true));
    await new Promise((resolve) => setImmediate(resolve));
    // The peer (a replica of the same user) has it while the append is in flight.
    expect(peer.sessionIds()).toEqual([entry.id]);
    expect(acknowledged).toBe(false);
    expect((await memory.load(docName, 1)).updates).toHaveLength(0);
    openGate();
    await write;
    expect((await memory.load(docName, 1)).updates).toHaveLength(1);
    await registry.close();
  });

  it('logs the writes queued together as one append (group commit), and resolves each', async () => {
    const { memory, registry } = setup();
    const entries = Array.from({ length: 5 }, () => sessionEntry());
    await registry.use(userId, async (doc) => {
      // The first write starts a batch; the rest queue behind it and go in the next one.
      await Promise.all(entries.map((e) => doc.write((d) => d.putSession(e))));
    });
    const logged = (await memory.load(docName, 1)).updates.length;
    expect(logged).toBeGreaterThanOrEqual(1);
    expect(logged).toBeLessThanOrEqual(2);
    await registry.close();
  });

  it("relays a peer's update to the other peers, never back to it", async () => {
    const { registry } = setup();
    const [doc, from] = await attached(registry);
    const to = new RecordingPeer();
    doc.attach(to);
    const side = new Y.Doc();
    const entry = sessionEntry();
    new UserDoc(side).putSession(entry);
    await doc.applyRemoteUpdate(Y.encodeStateAsUpdate(side), from);
    expect(to.sessionIds()).toEqual([entry.id]);
    expect(from.frames).toEqual([]);
    await registry.close();
  });

  it('unloads an idle document and reloads the same state from the log', async () => {
    const { registry } = setup({ idleUnloadMs: 1 });
    const entry = sessionEntry();
    await registry.write(userId, (doc) => doc.putSession(entry));
    await new Promise<void>((resolve) => {
      const off = registry.on('closed', () => {
        off();
        resolve();
      });
    });
    expect(registry.loadedCount).toBe(0);
    const ids = await registry.use(userId, async (doc) => [...doc.userDoc.sessions.keys()]);
    expect(ids).toEqual([entry.id]);
    await registry.close();
  });

  it('does not unload a document while something holds it', async () => {
    const { registry } = setup({ idleUnloadMs: 1 });
    const doc = await registry.acquire(docName, userId);
    // Several sweeps (every 50 ms at this setting) pass; the held document stays.
    await doc.track(new Promise((resolve) => setTimeout(resolve, 160)));
    expect(registry.peek(docName)).toBe(doc);
    registry.release(doc);
    await registry.close();
  });

  it('closes the peers with 4410 and the new generation when a purge beat a write', async () => {
    const { memory, registry } = setup();
    const [doc, peer] = await attached(registry);
    memory.purge(docName);
    await expect(doc.write((d) => d.putSession(sessionEntry()))).rejects.toMatchObject({
      name: 'GenerationMovedError',
      current: 2,
    });
    expect(peer.closedWith).toEqual({ code: 4410, reason: 'generation=2' });
    expect(registry.peek(docName)).toBeUndefined();
    expect(await registry.acquire(docName, userId)).toMatchObject({ generation: 2 });
    await registry.close();
  });

  it('closes the peers with 1011 when the log fails, and forgets the state it could not log', async () => {
    const memory = new MemoryDocumentLog();
    let failing = false;
    const flaky: DocumentLog = {
      ensureDocument: (n, u) => memory.ensureDocument(n, u),
      currentGeneration: (n) => memory.currentGeneration(n),
      load: (n, g, s) => memory.load(n, g, s),
      compact: (n) => memory.compact(n),
      append: (n, u, g, update) =>
        failing ? Promise.reject(new Error('store down')) : memory.append(n, u, g, update),
    };
    const { registry } = setup({ log: flaky });
    const [doc, peer] = await attached(registry);
    failing = true;
    await expect(doc.write((d) => d.putSession(sessionEntry()))).rejects.toThrow('store down');
    expect(peer.closedWith?.code).toBe(SYNC_CLOSE.internalError.code);
    failing = false;
    const ids = await registry.use(userId, async (d) => [...d.userDoc.sessions.keys()]);
    expect(ids).toEqual([]);
    await registry.close();
  });

  it('evicts with 4410 at once and returns only after background work on the document', async () => {
    const { registry } = setup();
    const [doc, peer] = await attached(registry);
    let finished = false;
    void doc.track(new Promise<void>((resolve) => setTimeout(resolve, 20))).then(() => {
      finished = true;
    });
    await registry.evict(docName, 3);
    expect(peer.closedWith).toEqual({ code: 4410, reason: 'generation=3' });
    expect(finished).toBe(true);
    await expect(doc.write(() => undefined)).rejects.toMatchObject({
      name: 'DocumentClosedError',
    });
    await registry.close();
  });

  it('lets subscribers finish before shutting down with 1001, then refuses work', async () => {
    const { registry } = setup();
    const [, peer] = await attached(registry);
    let flushedWhileOpen: boolean | null = null;
    registry.on('closing', async (docs) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      flushedWhileOpen = docs.length === 1 && !docs[0]!.dead;
    });
    await registry.close();
    expect(flushedWhileOpen).toBe(true);
    expect(peer.closedWith?.code).toBe(SYNC_CLOSE.goingAway.code);
    await expect(registry.acquire(docName, userId)).rejects.toBeInstanceOf(RegistryClosedError);
  });

  it('marks a document whose log holds an unreadable entry as incomplete', async () => {
    const { memory, registry } = setup();
    await memory.ensureDocument(docName, userId);
    const side = new Y.Doc();
    new UserDoc(side).putSession(sessionEntry());
    await memory.append(docName, userId, 1, Y.encodeStateAsUpdate(side));
    await memory.append(docName, userId, 1, new Uint8Array([0xff, 0xff, 0xff, 0x01]));
    const doc = await registry.acquire(docName, userId);
    expect(doc.loadIncomplete).toBe(true);
    expect(registry.metrics.logEntriesSkipped).toBe(1);
    expect(doc.userDoc.sessions.size).toBe(1);
    registry.release(doc);
    await registry.close();
  });

  it('answers a sync step 1 only after everything queued before it is logged', async () => {
    const { memory, registry } = setup();
    const [doc, peer] = await attached(registry);
    const entry = sessionEntry();
    const write = doc.write((d) => d.putSession(entry));
    const answered = doc.answerStep1(Y.encodeStateVector(new Y.Doc()), peer);
    await Promise.all([write, answered]);
    expect((await memory.load(docName, 1)).updates).toHaveLength(1);
    const step2 = decodeClientMessage(peer.frames.at(-1)!);
    expect(step2.type).toBe('sync-step2');
    const replica = new Y.Doc();
    if (step2.type === 'sync-step2') Y.applyUpdate(replica, step2.update);
    expect([...new UserDoc(replica).sessions.keys()]).toEqual([entry.id]);
    await registry.close();
  });
});
