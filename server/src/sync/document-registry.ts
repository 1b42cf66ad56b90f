import type { Logger } from 'pino';
import { SYNC_CLOSE, generationReason, userDocName, type UserDoc } from '@mindful/shared';
import { GenerationMovedError, type DocumentLog } from './document-log';
import { LiveDocument } from './live-document';
import { SyncMetrics } from './sync-metrics';

/** Tuning of the registry; the defaults suit production. */
export interface RegistryOptions {
  /** A document with no peers and nothing in flight is unloaded after this long. */
  idleUnloadMs?: number;
  /** Most bytes a document's log may hold; writes past it are refused (`SYNC_MAX_DOCUMENT_BYTES`). */
  maxDocumentBytes?: number;
}

const DEFAULTS: Required<RegistryOptions> = {
  idleUnloadMs: 60_000,
  maxDocumentBytes: Number.POSITIVE_INFINITY,
};

/** Awareness of `clientIds` changed through the peers of `doc` on this instance. */
export type PeerAwarenessListener = (doc: LiveDocument, clientIds: number[]) => void;

/**
 * What the registry tells its subscribers (the projection into rows, the fan-out). Listeners run
 * synchronously, except `closing`, which the registry awaits before closing the documents.
 */
export interface RegistryEvents {
  /** The document's log holds changes its subscribers have not seen: a logged update, or a load that found entries. */
  persisted: (doc: LiveDocument) => void;
  /** The document was closed (evicted, unloaded or shut down). */
  closed: (doc: LiveDocument) => void;
  /** The registry is shutting down: every write is logged; finish work on these documents now. */
  closing: (docs: LiveDocument[]) => Promise<void>;
  /** Awareness of clients changed through this instance's peers (the fan-out relays it). */
  peerAwareness: PeerAwarenessListener;
}

type Listeners = { [K in keyof RegistryEvents]: Set<RegistryEvents[K]> };

/** The registry is shutting down and takes no more work. */
export class RegistryClosedError extends Error {
  constructor() {
    super('The document registry is shut down');
    this.name = 'RegistryClosedError';
  }
}

/**
 * One in-memory Y.Doc per loaded user document, shared by the sync socket and
 * the REST API: the single write path. Loads a document from its log before
 * anyone touches it, tells subscribers when it persisted a change, and unloads
 * it when idle. It knows nothing of what is done with the documents (the
 * projection into rows subscribes to {@link RegistryEvents}).
 */
export class DocumentRegistry {
  readonly metrics = new SyncMetrics();
  private readonly options: Required<RegistryOptions>;
  private readonly loading = new Map<string, Promise<LiveDocument>>();
  private readonly live = new Map<string, LiveDocument>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private readonly listeners: Listeners = {
    persisted: new Set(),
    closed: new Set(),
    closing: new Set(),
    peerAwareness: new Set(),
  };

  constructor(
    /** Where every document's updates are appended and read back from. */
    readonly log: DocumentLog,
    private readonly logger: Logger,
    options: RegistryOptions = {},
  ) {
    // An option passed as undefined keeps its default (a spread would overwrite it).
    const given = Object.fromEntries(
      Object.entries(options).filter(([, value]) => value !== undefined),
    ) as RegistryOptions;
    this.options = { ...DEFAULTS, ...given };
    const every = Math.max(50, Math.min(this.options.idleUnloadMs / 2, 10_000));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.live.size;
  }

  /** Number of connected replicas across all documents. */
  get peerCount(): number {
    let n = 0;
    for (const doc of this.live.values()) n += doc.peerCount;
    return n;
  }

  /** True once {@link close} began: no more work is taken. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Names of the documents in memory or loading (the fan-out re-reads their logs). */
  loadedNames(): string[] {
    return [...new Set([...this.live.keys(), ...this.loading.keys()])];
  }

  /** The document if it is in memory now (nothing is loaded, nothing awaited). */
  peek(docName: string): LiveDocument | undefined {
    const doc = this.live.get(docName);
    return doc && !doc.dead ? doc : undefined;
  }

  /**
   * The document if it is in memory, once any load in flight has finished;
   * undefined if it is not loaded (nothing is loaded for the caller).
   */
  async whenLoaded(docName: string): Promise<LiveDocument | undefined> {
    const loading = this.loading.get(docName);
    if (loading) await loading.catch(() => undefined);
    return this.peek(docName);
  }

  /** Subscribes to one of {@link RegistryEvents}; returns how to unsubscribe. */
  on<K extends keyof RegistryEvents>(event: K, listener: RegistryEvents[K]): () => void {
    const set = this.listeners[event] as Set<RegistryEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Subscribes to awareness changes of this instance's replicas (the fan-out relays them). */
  onPeerAwareness(listener: PeerAwarenessListener): () => void {
    return this.on('peerAwareness', listener);
  }

  /** The generation a replica must hold to connect (see {@link DocumentLog.currentGeneration}). */
  currentGeneration(docName: string): Promise<number | null> {
    return this.log.currentGeneration(docName);
  }

  /**
   * The loaded document, loading it from the log first if needed. The caller
   * holds it (it is not unloaded) until it calls {@link release}.
   */
  async acquire(docName: string, userId: string): Promise<LiveDocument> {
    for (;;) {
      if (this.closed) throw new RegistryClosedError();
      const ready = this.live.get(docName);
      if (ready && !ready.dead) {
        ready.hold();
        return ready;
      }
      let pending = this.loading.get(docName);
      if (!pending) {
        pending = this.load(docName, userId);
        this.loading.set(docName, pending);
        pending.then(
          () => this.loading.delete(docName),
          () => this.loading.delete(docName),
        );
      }
      const doc = await pending;
      if (!doc.dead && this.live.get(docName) === doc) {
        doc.hold();
        return doc;
      }
    }
  }

  /** Ends an {@link acquire}. */
  release(doc: LiveDocument): void {
    doc.release();
  }

  /** Runs `work` with the user's document held. */
  async use<T>(userId: string, work: (doc: LiveDocument) => Promise<T>): Promise<T> {
    const doc = await this.acquire(userDocName(userId), userId);
    try {
      return await work(doc);
    } finally {
      this.release(doc);
    }
  }

  /**
   * The REST write path: runs `mutate` on the user's document; resolves once
   * the change is in the log and on its way to every connected replica.
   */
  write<T>(userId: string, mutate: (doc: UserDoc) => T): Promise<T> {
    return this.use(userId, (doc) => doc.write(mutate));
  }

  /**
   * Drops a document whose generation moved on (purge): every connected
   * replica is closed with 4410 `generation=<generation>` at once, queued
   * writes are refused, and background work on it has finished on return.
   */
  async evict(docName: string, generation: number): Promise<void> {
    const loading = this.loading.get(docName);
    if (loading) await loading.catch(() => undefined);
    const doc = this.live.get(docName);
    if (!doc) return;
    this.live.delete(docName);
    this.metrics.documentsUnloaded++;
    doc.kill(SYNC_CLOSE.generationMoved, generationReason(generation));
    await doc.settled();
  }

  /**
   * Drops a loaded document that found its generation moved on while working
   * on it (`error.current`, or the next one if the document is gone): its
   * replicas are closed with 4410. Synchronous, so background work of the
   * document may call it.
   */
  discardStale(doc: LiveDocument, error: GenerationMovedError): void {
    if (this.live.get(doc.docName) === doc) this.live.delete(doc.docName);
    doc.kill(SYNC_CLOSE.generationMoved, generationReason(error.current ?? doc.generation + 1));
  }

  /** Lets subscribers finish every document's pending work, then closes every replica (1001). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.loading.values()]);
    const docs = [...this.live.values()];
    await Promise.allSettled(docs.map((doc) => doc.whenLogged()));
    await Promise.allSettled([...this.listeners.closing].map((listener) => listener(docs)));
    for (const doc of docs) doc.kill(SYNC_CLOSE.goingAway);
    this.live.clear();
  }

  private async load(docName: string, userId: string): Promise<LiveDocument> {
    const generation = await this.log.ensureDocument(docName, userId);
    const { updates, skipped, lastId } = await this.log.load(docName, generation);
    const doc = new LiveDocument(docName, userId, generation, {
      log: this.log,
      maxBytes: this.options.maxDocumentBytes,
      metrics: this.metrics,
      persisted: (d) => this.emit('persisted', d),
      failed: (d, error) => this.failed(d, error),
      peerAwareness: (d, ids) => {
        for (const listener of this.listeners.peerAwareness) listener(d, ids);
      },
      closed: (d) => this.emit('closed', d),
    });
    const unreadable = doc.initialise(updates, skipped, lastId);
    if (unreadable > 0) {
      this.metrics.logEntriesSkipped += unreadable;
      this.logger.error(
        { doc: docName, unreadable },
        'log entries could not be read; deletions are paused for this document',
      );
    }
    if (this.closed) {
      doc.kill(SYNC_CLOSE.goingAway);
      throw new RegistryClosedError();
    }
    this.live.set(docName, doc);
    this.metrics.documentsLoaded++;
    // Rows may lag the log after a crash between logging and reconciling.
    if (updates.length > 0) this.emit('persisted', doc);
    return doc;
  }

  private emit(event: 'persisted' | 'closed', doc: LiveDocument): void {
    for (const listener of this.listeners[event]) {
      try {
        listener(doc);
      } catch (error) {
        this.logger.error({ err: error, doc: doc.docName, event }, 'registry listener failed');
      }
    }
  }

  /** Logging failed: the memory is ahead of the log, so forget it and let replicas re-send. */
  private failed(doc: LiveDocument, error: unknown): void {
    if (error instanceof GenerationMovedError) {
      this.discardStale(doc, error);
      return;
    }
    this.logger.error(
      { err: error, doc: doc.docName },
      'could not log an update; closing the document',
    );
    if (this.live.get(doc.docName) === doc) this.live.delete(doc.docName);
    doc.kill(SYNC_CLOSE.internalError);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [name, doc] of this.live) {
      if (doc.quiet && now - doc.lastActive >= this.options.idleUnloadMs) {
        this.live.delete(name);
        this.metrics.documentsUnloaded++;
        doc.kill(SYNC_CLOSE.goingAway);
      }
    }
  }
}
