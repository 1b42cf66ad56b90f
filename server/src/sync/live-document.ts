import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { UserDoc } from '@mindful/shared';
import type { SyncClose } from '@mindful/shared';
import type { DocumentLog, LoggedUpdate } from './document-log';
import { maxId } from './log-ids';
import { encodeAwareness, encodeSyncStep2, encodeSyncUpdate } from './protocol';
import type { SyncMetrics } from './sync-metrics';

/** Origin of updates another instance logged: applied and broadcast, never logged again. */
export const FROM_LOG: unique symbol = Symbol('from-log');

/** Origin of awareness another instance relayed: shown to the peers here, never relayed back. */
const FROM_INSTANCE: unique symbol = Symbol('from-instance');

/** Origin of the awareness removal when a peer disconnects (other instances must hear it). */
const PEER_LEFT: unique symbol = Symbol('peer-left');

/** The document was closed (evicted, unloaded on failure, or shut down) before the work ran. */
export class DocumentClosedError extends Error {
  constructor(readonly docName: string) {
    super(`Document ${docName} was closed; retry`);
    this.name = 'DocumentClosedError';
  }
}

/**
 * The document reached its size cap (`SYNC_MAX_DOCUMENT_BYTES`): the change
 * was not applied. The socket closes with 4413, REST answers 413.
 */
export class DocumentTooLargeError extends Error {
  constructor(
    readonly docName: string,
    readonly maxBytes: number,
  ) {
    super(
      `The document is at its size limit of ${maxBytes} bytes; delete data (retention, purge) to write more`,
    );
    this.name = 'DocumentTooLargeError';
  }
}

/** A connected replica, as the document sees it. */
export interface DocumentPeer {
  send(frame: Uint8Array): void;
  close(code: SyncClose, reason?: string): void;
  /** Awareness client ids this peer announced (removed when it leaves). */
  readonly awarenessIds: Set<number>;
}

/** What a live document needs from the registry that owns it. */
export interface LiveDocumentHooks {
  log: Pick<DocumentLog, 'append'>;
  /** Most bytes the document's log may hold (see {@link LiveDocument.logBytes}). */
  maxBytes: number;
  metrics: SyncMetrics;
  /** An update was logged (and broadcast): the document persisted a change. */
  persisted(doc: LiveDocument): void;
  /** Logging failed: the in-memory state is ahead of the log, so the document must go. */
  failed(doc: LiveDocument, error: unknown): void;
  /** Awareness of these clients changed through this instance's peers (announced, renewed or gone). */
  peerAwareness(doc: LiveDocument, clientIds: number[]): void;
  /** The document was closed (evicted, unloaded or shut down): drop whatever was kept for it. */
  closed(doc: LiveDocument): void;
}

/** A write already applied, waiting for its batch to be logged. */
interface Operation {
  /** After the batch is logged: answer the peer, resolve the caller. */
  done(): void;
  fail(error: unknown): void;
}

/** An update a write produced, with the peer it came from (null for the server's own). */
interface Produced {
  update: Uint8Array;
  origin: unknown;
}

/**
 * One user document loaded in memory: the Y.Doc, its awareness, its peers and
 * its write queue. The queue is the single write path: socket updates and REST
 * writes are applied in order as they arrive and relayed at once to the other
 * peers (replicas of the same user); the updates they produce are appended to
 * the log in batches, one append in flight per document (the appends of all
 * documents share a group commit). A write is acknowledged (its promise
 * resolves, REST answers, a sync step 2 answer is computed) only once its
 * batch is logged. If logging fails the document closes (1011) and the
 * replicas that hold an unlogged update send it again when they reconnect; if
 * a purge moved the generation, the append is refused and every replica is
 * told to wipe (4410).
 */
export class LiveDocument {
  /** The CRDT state. Read it freely; change it only through {@link write} (the write queue). */
  readonly ydoc = new Y.Doc();
  /** Typed view of {@link ydoc}; the same rule applies. */
  readonly userDoc = new UserDoc(this.ydoc);
  /** Presence of the connected replicas (relayed, never the server's own). */
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc);

  private readonly peers = new Set<DocumentPeer>();
  /** Callers holding the document (REST, background work): it is not unloaded under them. */
  private holders = 0;
  /** Work in flight for the document outside the write queue (e.g. projecting it into rows). */
  private readonly background = new Set<Promise<unknown>>();
  private lastActiveAt = Date.now();
  private closed = false;
  /** See {@link loadIncomplete}. */
  private incomplete = false;
  /** See {@link lastLoggedId}. */
  private loggedUpTo = '0';
  /** Writes applied, waiting for their batch to be logged (in order). */
  private queue: Operation[] = [];
  /** Updates applied, not yet handed to the log. */
  private unlogged: Produced[] = [];
  /** Updates applied in this tick, not yet relayed (sent in one message per peer). */
  private unrelayed: Produced[] = [];
  private draining = false;
  /** See {@link logBytes}. */
  private bytes = 0;

  constructor(
    readonly docName: string,
    readonly userId: string,
    readonly generation: number,
    private readonly hooks: LiveDocumentHooks,
  ) {
    // The server is not a participant: it relays awareness, it has none of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwareness);
  }

  /** True once the document was closed; it takes no more work. */
  get dead(): boolean {
    return this.closed;
  }

  /** When the document was last used (ms since the epoch). */
  get lastActive(): number {
    return this.lastActiveAt;
  }

  /** Number of connected replicas. */
  get peerCount(): number {
    return this.peers.size;
  }

  /**
   * Some logged update could not be read back (e.g. a lost key): the document
   * may be missing entries, so nothing may be deleted on its account.
   */
  get loadIncomplete(): boolean {
    return this.incomplete;
  }

  /**
   * Newest log id whose update the in-memory state holds (memory is never
   * behind the log): set at load, advanced by this instance's appends and by
   * entries other instances logged (see {@link applyLogged}).
   */
  get lastLoggedId(): string {
    return this.loggedUpTo;
  }

  /**
   * Bytes of the log this document was loaded from plus what was logged since
   * (by this instance or read from others): an upper bound of its encoded
   * size, which the cap is checked against. A compaction shrinks the log; the
   * bound follows at the next load.
   */
  get logBytes(): number {
    return this.bytes;
  }

  /** True when nothing holds the document and nothing is in flight. */
  get quiet(): boolean {
    return (
      this.peers.size === 0 &&
      this.holders === 0 &&
      this.background.size === 0 &&
      this.queue.length === 0 &&
      this.unlogged.length === 0 &&
      !this.draining
    );
  }

  /**
   * Fills a freshly created document with its log, before anyone uses it.
   * @returns how many entries could not be applied or read (the load is then incomplete).
   */
  initialise(entries: LoggedUpdate[], skipped: number, lastId: string): number {
    this.loggedUpTo = lastId;
    for (const entry of entries) this.bytes += entry.update.byteLength;
    let unreadable = skipped;
    Y.transact(
      this.ydoc,
      () => {
        for (const entry of entries) {
          try {
            Y.applyUpdate(this.ydoc, entry.update);
          } catch {
            unreadable++;
          }
        }
      },
      'load',
    );
    if (unreadable > 0) this.markIncomplete();
    return unreadable;
  }

  /** Some entry of the log could not be read: deletions are paused for this document. */
  markIncomplete(): void {
    this.incomplete = true;
  }

  /** Keeps the document loaded until the matching {@link release}. */
  hold(): void {
    this.holders++;
    this.touch();
  }

  /** Ends one {@link hold}. */
  release(): void {
    this.holders = Math.max(0, this.holders - 1);
    this.touch();
  }

  /**
   * Runs background work for the document (it stays loaded meanwhile, and
   * {@link settled} waits for it). Resolves or rejects with the work.
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.background.add(work);
    const done = () => {
      this.background.delete(work);
      this.touch();
    };
    work.then(done, done);
    return work;
  }

  /** Resolves once the background work in flight has finished (whatever its outcome). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Adds a connected replica; false if the document is closed. */
  attach(peer: DocumentPeer): boolean {
    if (this.closed) return false;
    this.peers.add(peer);
    this.touch();
    return true;
  }

  /** Applies an update from a replica and relays it; resolves once it is logged. */
  applyRemoteUpdate(update: Uint8Array, origin: DocumentPeer): Promise<void> {
    return this.enqueue<void>(() => {
      // Checked before applying: a Yjs update cannot be taken back once applied.
      if (this.bytes + update.byteLength > this.hooks.maxBytes) {
        throw new DocumentTooLargeError(this.docName, this.hooks.maxBytes);
      }
      Y.applyUpdate(this.ydoc, update, origin);
    });
  }

  /** Runs `mutate` on the document (REST); resolves with its result once logged. */
  write<T>(mutate: (doc: UserDoc) => T): Promise<T> {
    return this.enqueue(() => {
      // A REST write is small and its size unknown beforehand: refused once the cap is reached.
      if (this.bytes >= this.hooks.maxBytes) {
        throw new DocumentTooLargeError(this.docName, this.hooks.maxBytes);
      }
      return mutate(this.userDoc);
    });
  }

  /** Answers a replica's sync step 1 with what it lacks, after everything queued before it is logged. */
  answerStep1(stateVector: Uint8Array, peer: DocumentPeer): Promise<void> {
    return this.enqueue<void>(() => undefined).then(() => {
      if (!this.dead) peer.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.ydoc, stateVector)));
    });
  }

  /**
   * Applies entries another instance logged (read back from the log), with
   * origin {@link FROM_LOG} so they are not appended again, and broadcasts
   * what they changed to every peer like a logged update. Idempotent: an
   * entry (or snapshot) the document already holds changes nothing.
   * @param lastId the newest log id read, readable or not.
   * @returns how many entries could not be applied.
   */
  applyLogged(entries: LoggedUpdate[], lastId: string): number {
    if (this.dead) return 0;
    const produced: Uint8Array[] = [];
    const capture = (update: Uint8Array) => produced.push(update);
    let unreadable = 0;
    this.ydoc.on('update', capture);
    try {
      Y.transact(
        this.ydoc,
        () => {
          for (const entry of entries) {
            try {
              Y.applyUpdate(this.ydoc, entry.update, FROM_LOG);
            } catch {
              unreadable++;
            }
          }
        },
        FROM_LOG,
      );
    } finally {
      this.ydoc.off('update', capture);
    }
    this.loggedUpTo = maxId(this.loggedUpTo, lastId);
    for (const entry of entries) this.bytes += entry.update.byteLength;
    if (unreadable > 0) this.markIncomplete();
    if (produced.length > 0) {
      this.hooks.metrics.updatesFannedIn += entries.length;
      this.broadcast(produced.map((update) => ({ update, origin: FROM_LOG })));
      this.hooks.persisted(this);
    }
    return unreadable;
  }

  /**
   * Applies an awareness update another instance relayed (its replicas'
   * presence) and shows it to the peers here. Stale clocks change nothing.
   */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.dead) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_INSTANCE);
  }

  /** Resolves once everything queued before this call is logged. */
  whenLogged(): Promise<void> {
    return this.enqueue<void>(() => undefined);
  }

  /** Stops the document: closes every peer with `code`, rejects queued work. */
  kill(code: SyncClose, reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const op of this.queue.splice(0)) op.fail(new DocumentClosedError(this.docName));
    this.unlogged = [];
    this.unrelayed = [];
    for (const peer of [...this.peers]) peer.close(code, reason);
    this.peers.clear();
    this.awareness.off('update', this.onAwareness);
    this.awareness.destroy();
    this.ydoc.destroy();
    this.hooks.closed(this);
  }

  /** Removes a peer and the awareness states it announced. */
  detach(peer: DocumentPeer): void {
    if (!this.peers.delete(peer)) return;
    this.touch();
    if (!this.dead && peer.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], PEER_LEFT);
    }
  }

  private touch(): void {
    this.lastActiveAt = Date.now();
  }

  /**
   * Applies `run` now (any update it makes, even one it throws after, is
   * captured: memory must never be ahead of what is logged), relays what it
   * produced, and resolves with its result once its batch is logged.
   */
  private enqueue<T>(run: () => T): Promise<T> {
    if (this.dead) return Promise.reject(new DocumentClosedError(this.docName));
    this.touch();
    const produced: Produced[] = [];
    const capture = (update: Uint8Array, by: unknown) => produced.push({ update, origin: by });
    let result: T;
    let failure: { error: unknown } | null = null;
    this.ydoc.on('update', capture);
    try {
      result = run();
    } catch (error) {
      this.hooks.metrics.updatesRejected++;
      failure = { error };
    } finally {
      this.ydoc.off('update', capture);
    }
    if (produced.length > 0) {
      for (const p of produced) this.bytes += p.update.byteLength;
      this.unlogged.push(...produced);
      this.relaySoon(produced);
    }
    // A failed write's partial update (if any) is still logged; the caller hears the error now.
    const logged = failure
      ? Promise.reject(failure.error)
      : new Promise<T>((resolve, reject) => {
          this.queue.push({ done: () => resolve(result), fail: reject });
        });
    void this.drain();
    return logged;
  }

  /** Relays updates applied in this tick together, once the tick's messages are handled. */
  private relaySoon(produced: Produced[]): void {
    const first = this.unrelayed.length === 0;
    this.unrelayed.push(...produced);
    if (!first) return;
    queueMicrotask(() => {
      const batch = this.unrelayed.splice(0);
      if (!this.dead) this.broadcast(batch);
    });
  }

  /** Appends what was applied, one batch at a time, and acknowledges each batch once logged. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while ((this.queue.length > 0 || this.unlogged.length > 0) && !this.dead) {
        await this.logBatch(this.queue.splice(0), this.unlogged.splice(0));
      }
    } finally {
      this.draining = false;
      this.touch();
    }
  }

  private async logBatch(batch: Operation[], produced: Produced[]): Promise<void> {
    if (produced.length > 0) {
      const merged =
        produced.length === 1 ? produced[0]!.update : Y.mergeUpdates(produced.map((p) => p.update));
      try {
        const id = await this.hooks.log.append(this.docName, this.userId, this.generation, merged);
        // Entries from other instances may have advanced it meanwhile.
        this.loggedUpTo = maxId(this.loggedUpTo, id);
      } catch (error) {
        for (const op of batch) op.fail(error);
        this.hooks.failed(this, error);
        return;
      }
      this.hooks.metrics.updatesPersisted += produced.length;
      this.hooks.persisted(this);
    }
    for (const op of batch) op.done();
  }

  /**
   * Sends what a batch changed to every peer but its author, as one message
   * per peer encoded once: peers that wrote none of the batch share one
   * message of the whole of it; a peer that wrote part of it gets the rest.
   */
  private broadcast(produced: Produced[]): void {
    if (produced.length === 0 || this.peers.size === 0) return;
    const origins = new Set(produced.map((p) => p.origin));
    let whole: Uint8Array | undefined;
    for (const peer of this.peers) {
      if (!origins.has(peer)) {
        whole ??= encodeSyncUpdate(
          produced.length === 1
            ? produced[0]!.update
            : Y.mergeUpdates(produced.map((p) => p.update)),
        );
        peer.send(whole);
        continue;
      }
      const others = produced.filter((p) => p.origin !== peer).map((p) => p.update);
      if (others.length > 0) {
        peer.send(encodeSyncUpdate(others.length === 1 ? others[0]! : Y.mergeUpdates(others)));
      }
    }
  }

  private readonly onAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    const peer = origin as DocumentPeer | null;
    const fromPeer = peer !== null && this.peers.has(peer);
    if (fromPeer) {
      for (const id of added) peer.awarenessIds.add(id);
      for (const id of removed) peer.awarenessIds.delete(id);
    }
    if (fromPeer || origin === PEER_LEFT) this.hooks.peerAwareness(this, changed);
    const message = encodeAwareness(
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed),
    );
    for (const each of this.peers) each.send(message);
  };
}
