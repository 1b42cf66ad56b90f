import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { UserDoc } from '@mindful/shared';
import type { CloseCode } from './close-codes';
import { encodeAwareness, encodeSyncStep2, encodeSyncUpdate } from './protocol';
import type { SyncMetrics } from './sync-metrics';
import { maxId, type LoggedUpdate, type UpdateLog } from './update-log';

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

/** A connected replica, as the document sees it. */
export interface DocumentPeer {
  send(frame: Uint8Array): void;
  close(code: CloseCode, reason?: string): void;
  /** Awareness client ids this peer announced (removed when it leaves). */
  readonly awarenessIds: Set<number>;
}

/** What a live document needs from the registry that owns it. */
export interface LiveDocumentHooks {
  log: UpdateLog;
  metrics: SyncMetrics;
  /** An update was logged (and broadcast): time to (re)schedule reconciliation. */
  persisted(doc: LiveDocument): void;
  /** Logging failed: the in-memory state is ahead of the log, so the document must go. */
  failed(doc: LiveDocument, error: unknown): void;
  /** Awareness of these clients changed through this instance's peers (announced, renewed or gone). */
  peerAwareness(doc: LiveDocument, clientIds: number[]): void;
}

interface Operation {
  origin: DocumentPeer | null;
  /** Synchronous: changes the Y.Doc (any update it makes is captured and logged). */
  apply(): void;
  /** After the batch is logged: answer the peer, resolve the caller. */
  done(): void;
  fail(error: unknown): void;
}

/**
 * One user document loaded in memory: the Y.Doc, its awareness, its peers and
 * its write queue. The queue is the single write path: socket updates and REST
 * writes are applied in order, the updates they produce are appended to the
 * log in one batch (group commit), and only then broadcast and acknowledged.
 * Sync step 2 answers are computed after the batch is logged too, so no
 * replica ever receives state the log does not hold.
 */
export class LiveDocument {
  readonly ydoc = new Y.Doc();
  readonly userDoc = new UserDoc(this.ydoc);
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc);
  readonly peers = new Set<DocumentPeer>();
  /** REST callers currently using the document (it is not unloaded under them). */
  users = 0;
  lastActive = Date.now();
  dead = false;
  /** Reconciliation bookkeeping, owned by the registry / reconciler. */
  reconcileTimer: NodeJS.Timeout | null = null;
  reconciling: Promise<void> | null = null;
  reconcileDirty = false;
  readonly reconciled = new Map<string, string>();
  readonly reconciledFlowStates = new Map<string, string>();
  /** Keys of entries currently failing validation (each is counted once). */
  readonly rejectedKeys = new Set<string>();
  /**
   * Some logged update could not be read back (e.g. a lost key): the document
   * may be missing entries, so the reconciler must not delete rows for them.
   */
  loadIncomplete = false;
  /**
   * Newest log id whose update the in-memory state holds (memory is never
   * behind the log): set at load, advanced by this instance's appends and by
   * entries other instances logged (see {@link applyLogged}).
   */
  lastLoggedId = '0';

  private queue: Operation[] = [];
  private draining = false;

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

  /** True when nothing holds the document and nothing is in flight. */
  get quiet(): boolean {
    return (
      this.peers.size === 0 &&
      this.users === 0 &&
      this.queue.length === 0 &&
      !this.draining &&
      this.reconcileTimer === null &&
      this.reconciling === null
    );
  }

  /** Applies an update from a replica; resolves once it is logged and broadcast. */
  applyRemoteUpdate(update: Uint8Array, origin: DocumentPeer): Promise<void> {
    return this.enqueue<void>(origin, () => {
      Y.applyUpdate(this.ydoc, update, origin);
    });
  }

  /** Runs `mutate` on the document (REST); resolves with its result once logged. */
  write<T>(mutate: (doc: UserDoc) => T): Promise<T> {
    return this.enqueue(null, () => mutate(this.userDoc));
  }

  /** Answers a replica's sync step 1 with what it lacks, after everything queued before it is logged. */
  answerStep1(stateVector: Uint8Array, peer: DocumentPeer): Promise<void> {
    return this.enqueue<void>(peer, () => undefined).then(() => {
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
    this.lastLoggedId = maxId(this.lastLoggedId, lastId);
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
    return this.enqueue<void>(null, () => undefined);
  }

  /** Stops the document: closes every peer with `code`, rejects queued work. */
  kill(code: CloseCode, reason?: string): void {
    if (this.dead) return;
    this.dead = true;
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.reconcileTimer = null;
    for (const op of this.queue.splice(0)) op.fail(new DocumentClosedError(this.docName));
    for (const peer of [...this.peers]) peer.close(code, reason);
    this.peers.clear();
    this.awareness.off('update', this.onAwareness);
    this.awareness.destroy();
    this.ydoc.destroy();
  }

  /** Removes a peer and the awareness states it announced. */
  detach(peer: DocumentPeer): void {
    if (!this.peers.delete(peer)) return;
    this.lastActive = Date.now();
    if (!this.dead && peer.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], PEER_LEFT);
    }
  }

  private enqueue<T>(origin: DocumentPeer | null, run: () => T): Promise<T> {
    if (this.dead) return Promise.reject(new DocumentClosedError(this.docName));
    this.lastActive = Date.now();
    return new Promise<T>((resolve, reject) => {
      let result: T;
      this.queue.push({
        origin,
        apply: () => {
          result = run();
        },
        done: () => resolve(result),
        fail: reject,
      });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.dead) {
        await this.runBatch(this.queue.splice(0));
      }
    } finally {
      this.draining = false;
      this.lastActive = Date.now();
    }
  }

  private async runBatch(batch: Operation[]): Promise<void> {
    const produced: { update: Uint8Array; origin: unknown }[] = [];
    const capture = (update: Uint8Array, origin: unknown) => produced.push({ update, origin });
    const applied: Operation[] = [];
    this.ydoc.on('update', capture);
    for (const op of batch) {
      try {
        op.apply();
        applied.push(op);
      } catch (error) {
        this.hooks.metrics.updatesRejected++;
        op.fail(error);
      }
    }
    this.ydoc.off('update', capture);
    if (produced.length > 0) {
      const merged =
        produced.length === 1 ? produced[0]!.update : Y.mergeUpdates(produced.map((p) => p.update));
      try {
        const id = await this.hooks.log.append(this.docName, this.userId, this.generation, merged);
        // Entries from other instances may have advanced it meanwhile.
        this.lastLoggedId = maxId(this.lastLoggedId, id);
      } catch (error) {
        for (const op of applied) op.fail(error);
        this.hooks.failed(this, error);
        return;
      }
      this.hooks.metrics.updatesPersisted += produced.length;
      this.broadcast(produced);
      this.hooks.persisted(this);
    }
    for (const op of applied) op.done();
  }

  private broadcast(produced: { update: Uint8Array; origin: unknown }[]): void {
    for (const { update, origin } of produced) {
      const message = encodeSyncUpdate(update);
      for (const peer of this.peers) {
        if (peer !== origin) peer.send(message);
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
