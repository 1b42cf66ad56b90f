import {
  expiredSessionIds,
  UserDoc,
  type FlowStateResult,
  type PersonalPatterns,
  type PrivacySettings,
  type UserInsight,
} from '@mindful/shared';
import * as Y from 'yjs';
import { enforceRawSampleConsent } from './capture/raw-sample-consent';
import type { ActivityEvent, StartSessionOptions } from './capture/session-capture';
import { SessionCapture } from './capture/session-capture';
import { checkClientOptions, resolveWebSocket, type MindfulClientOptions } from './client-options';
import { systemClock, type Clock } from './clock';
import { compactPersistedDoc, loadPersistedDoc, persistDocUpdates } from './doc/doc-persistence';
import { Materializer, type RejectedEntry } from './doc/materializer';
import { ClientClosedError, ReplicaOwnerMismatchError } from './errors';
import { TypedEmitter } from './events/typed-emitter';
import { patternsAndInsights } from './query/patterns-from-replica';
import { sharedChangeFeed } from './query/shared-change-feed';
import {
  liveRangeQueries,
  rangeQueries,
  type LiveRangeQueries,
  type RangeQueries,
} from './query/replica-queries';
import { openPgliteReplicaStore } from './replica/pglite-replica-store';
import { acquireReplicaLock, type ReplicaLock } from './replica/replica-lock';
import type {
  CurrentFlow,
  FlowStateRecord,
  HistoryPage,
  HistoryQuery,
} from './replica/replica-records';
import type { ReplicaStore } from './replica/replica-store';
import { WriteQueue } from './replica/write-queue';
import type { SyncStatus } from './sync/sync-status';
import type { SyncTransport } from './sync/sync-transport';
import { WebsocketSync, type SyncAuth } from './sync/websocket-sync';

/** How often an open client re-applies the user's retention setting. */
const RETENTION_CHECK_MS = 60 * 60_000;

/** Events of a {@link MindfulClient}. */
export interface MindfulClientEvents extends Record<string, unknown> {
  /** Sync status changed; `detail` explains a stop. */
  status: { status: SyncStatus; detail?: string };
  /** The detector's result for a recorded update. */
  flow: { sessionId: string; result: FlowStateResult };
  /** Local state was wiped: by a purge (the server moved the generation) or by `wipe()`. */
  wiped: { generation: number; reason: 'purge' | 'local' };
  /** A document entry failed validation and was not materialised. */
  rejected: RejectedEntry;
  /** A background failure (a replica write, a socket callback). */
  error: unknown;
}

/** An unsubscribe function of a live query. */
export type Unsubscribe = () => Promise<void>;

/**
 * Live queries: each calls back now and whenever the replica changes (local capture or sync). The
 * range queries (sessions, flow periods, daily totals, heatmap, settings) call back only when
 * their result changed.
 */
export interface LiveQueries extends LiveRangeQueries {
  history(onChange: (page: HistoryPage) => void, query?: HistoryQuery): Promise<Unsubscribe>;
  currentFlow(onChange: (flow: CurrentFlow) => void): Promise<Unsubscribe>;
  patterns(
    onChange: (patterns: PersonalPatterns, insights: UserInsight[]) => void,
  ): Promise<Unsubscribe>;
}

/**
 * The local-first Mindful client. Create it with `createMindfulClient`.
 *
 * @example
 * const client = await createMindfulClient({ dataDir, userId, serverUrl, auth: { getToken } });
 * await client.startSession({ projectPath: '/work/app', language: 'typescript' });
 * await client.recordActivity({ keystrokeIntervals: [120, 95], contextSwitches: 0, errorEvents: 0,
 *   focusDurationMs: 60_000, fileModifications: 1, keystrokes: 2, linesAdded: 1 });
 * const stop = await client.live.history((page) => render(page.sessions));
 * await client.endSession();
 * await client.close();
 */
export class MindfulClient {
  /** Status, flow, wipe, rejection and error events. */
  readonly events = new TypedEmitter<MindfulClientEvents>();
  /** Live queries over the replica. */
  readonly live: LiveQueries;
  /** Range queries over the replica: sessions, flow periods, daily totals, focus heatmap. */
  readonly query: RangeQueries;
  private ydocRef: Y.Doc;
  private userDocRef: UserDoc;
  private gen: number;
  private readonly queue: WriteQueue;
  private readonly capture: SessionCapture;
  private materializer: Materializer;
  private stopPersisting: () => void;
  private stopConsent: () => void;
  private transport: SyncTransport | null = null;
  private readonly liveHandles = new Set<Unsubscribe>();
  private closed = false;
  private closing: Promise<void> | null = null;
  private retentionTimer: ReturnType<typeof setInterval> | null = null;

  /** @internal Use `createMindfulClient`. */
  constructor(
    readonly userId: string,
    readonly deviceId: string,
    private readonly store: ReplicaStore,
    private readonly lock: ReplicaLock,
    ydoc: Y.Doc,
    generation: number,
    private readonly options: MindfulClientOptions & { clock: Clock },
  ) {
    this.gen = generation;
    this.ydocRef = ydoc;
    this.userDocRef = new UserDoc(ydoc);
    this.queue = new WriteQueue((error) => this.events.emit('error', error));
    this.stopPersisting = persistDocUpdates(ydoc, store, () => this.gen, this.queue);
    this.materializer = this.newMaterializer();
    this.stopConsent = enforceRawSampleConsent(this.userDocRef);
    this.capture = new SessionCapture({
      store,
      queue: this.queue,
      clock: options.clock,
      deviceId,
      detector: options.flow ?? {},
      utcOffsetMinutes: () => this.utcOffsetMinutes(),
      doc: () => this.userDocRef,
      onFlow: (sessionId, result) => this.events.emit('flow', { sessionId, result }),
    });
    const queryContext = {
      allSessions: () => {
        this.ensureOpen('query the replica');
        return this.store.allSessions();
      },
      sessionsOverlapping: (startMs: number, endMs: number) => {
        this.ensureOpen('query the replica');
        return this.store.sessionsOverlapping(startMs, endMs);
      },
      onSessionsChanged: sharedChangeFeed((notify) => this.store.liveSessionsChanged(notify)),
      onWiped: (listener: () => void) => this.events.on('wiped', listener),
      onError: (error: unknown) => this.events.emit('error', error),
      doc: () => this.userDocRef,
      utcOffsetMinutes: () => this.options.utcOffsetMinutes,
      patternsAndInsights: () => this.patternsAndInsights(),
    };
    this.query = rangeQueries(queryContext);
    const liveRanges = liveRangeQueries(queryContext);
    this.live = {
      sessions: (onChange, range) => this.track(() => liveRanges.sessions(onChange, range)),
      flowPeriods: (onChange, range) => this.track(() => liveRanges.flowPeriods(onChange, range)),
      dailyTotals: (onChange, range) => this.track(() => liveRanges.dailyTotals(onChange, range)),
      focusHeatmap: (onChange, zone) => this.track(() => liveRanges.focusHeatmap(onChange, zone)),
      patternsAndInsights: (onChange) => this.track(() => liveRanges.patternsAndInsights(onChange)),
      settings: (onChange) => this.track(() => liveRanges.settings(onChange)),
      history: (onChange, query = {}) => this.track(() => this.store.liveHistory(query, onChange)),
      currentFlow: (onChange) => this.track(() => this.store.liveCurrentFlow(onChange)),
      patterns: (onChange) =>
        this.track(async () => {
          const emit = () => {
            this.patternsAndInsights().then(
              ({ patterns, insights }) => onChange(patterns, insights),
              (error: unknown) => this.events.emit('error', error),
            );
          };
          const off = await this.store.liveSessionsChanged(emit);
          emit();
          return off;
        }),
    };
  }

  /** @internal Second half of opening: materialise, restore capture, start sync. */
  async start(): Promise<void> {
    this.materializer.start();
    await this.materializer.fullSync();
    await this.capture.restore();
    await this.applyRetention();
    this.retentionTimer = setInterval(() => {
      this.applyRetention().catch((error: unknown) => this.events.emit('error', error));
    }, RETENTION_CHECK_MS);
    this.retentionTimer.unref?.();
    const { serverUrl, auth } = this.options;
    if (serverUrl && auth) await this.startSync(serverUrl, auth);
  }

  /**
   * Goes online without reopening: starts syncing this replica with
   * `serverUrl` as the user `auth` speaks for (a client opened offline, or
   * one switching servers; an existing connection is replaced). Resolves
   * once the socket is started; watch the `status` event for `synced`.
   *
   * @example
   * const session = await signIn(serverUrl, { email, password });
   * await client.connect(serverUrl, session.auth);
   */
  async connect(serverUrl: string, auth: SyncAuth): Promise<void> {
    this.ensureOpen('connect');
    checkClientOptions({ ...this.options, serverUrl, auth });
    this.transport?.stop();
    this.transport = null;
    await this.startSync(serverUrl, auth);
  }

  /** Stops syncing (status `offline`); capture and queries go on locally. {@link connect} resumes. */
  disconnect(): void {
    this.transport?.stop();
    this.transport = null;
    this.events.emit('status', { status: 'offline' });
  }

  private async startSync(serverUrl: string, auth: SyncAuth): Promise<void> {
    const transport = new WebsocketSync({
      serverUrl,
      userId: this.userId,
      auth,
      WebSocketPolyfill: await resolveWebSocket(this.options.WebSocketPolyfill),
      ...(this.options.maxBackoffTime === undefined
        ? {}
        : { maxBackoffTime: this.options.maxBackoffTime }),
      host: {
        doc: () => this.ydocRef,
        generation: () => this.gen,
        onStatus: (status, detail) => {
          // A replaced transport's last words are not this client's status.
          if (this.transport === transport) {
            this.events.emit('status', { status, ...(detail ? { detail } : {}) });
          }
        },
        onGenerationMoved: (generation) => this.resetLocal(generation, 'purge'),
        onError: (error) => this.events.emit('error', error),
      },
    });
    this.transport = transport;
    transport.start();
  }

  /** Sync status (`offline` without a server). */
  get status(): SyncStatus {
    return this.transport?.status ?? 'offline';
  }

  /** The document generation this replica holds (moves on with every purge). */
  get generation(): number {
    return this.gen;
  }

  /** Typed access to the user's document (replaced by a wipe: do not keep it). */
  get doc(): UserDoc {
    return this.userDocRef;
  }

  /** The session this device is capturing, or null. */
  get activeSessionId(): string | null {
    return this.capture.activeSessionId;
  }

  /** Starts a session (ending one still open); resolves with its id once it is in the replica. */
  startSession(options?: StartSessionOptions): Promise<string> {
    this.ensureOpen('start a session');
    return this.capture.startSession(options);
  }

  /** Records one activity update of the active session; resolves with the flow state. */
  recordActivity(event: ActivityEvent): Promise<FlowStateResult> {
    this.ensureOpen('record activity');
    return this.capture.recordActivity(event);
  }

  /** Ends the active session; resolves with its id (null when none was active). */
  endSession(at?: number): Promise<string | null> {
    this.ensureOpen('end a session');
    return this.capture.endSession(at);
  }

  /** A page of session history, newest first (from the replica: works offline). */
  history(query?: HistoryQuery): Promise<HistoryPage> {
    this.ensureOpen('read history');
    return this.store.history(query);
  }

  /** The flow states of a session, oldest first. */
  flowStates(sessionId: string): Promise<FlowStateRecord[]> {
    this.ensureOpen('read flow states');
    return this.store.flowStatesOf(sessionId);
  }

  /** Personal patterns from the replica's ended sessions of the last 180 days (`PATTERN_HISTORY`). */
  async patterns(): Promise<PersonalPatterns> {
    return (await this.patternsAndInsights()).patterns;
  }

  /** Insights from the ended sessions in the replica. */
  async insights(): Promise<UserInsight[]> {
    return (await this.patternsAndInsights()).insights;
  }

  /** The flow state now: the latest open session of any device, and its open flow period. */
  currentFlow(): Promise<CurrentFlow> {
    this.ensureOpen('read the current flow');
    return this.store.currentFlow();
  }

  /** The detector's latest result on this device, null without an active session. */
  get latestFlowResult(): FlowStateResult | null {
    return this.capture.latest;
  }

  /** The privacy settings in the user's document. */
  get settings(): PrivacySettings {
    return this.userDocRef.settings;
  }

  /** Changes privacy settings (synced to every replica and the server). */
  async updateSettings(patch: Partial<PrivacySettings>): Promise<PrivacySettings> {
    this.ensureOpen('update settings');
    const settings = this.userDocRef.updateSettings(patch);
    await this.queue.idle();
    return settings;
  }

  /**
   * Deletes sessions older than the user's `retention_days` from the document
   * (so from every replica and the server), offline too, with everything this device
   * kept of them: their rows, raw activity, and their content in the stored update log.
   * Runs at open and hourly.
   * @returns how many sessions were deleted.
   */
  async applyRetention(): Promise<number> {
    this.ensureOpen('apply retention');
    const doc = this.userDocRef;
    const expired = expiredSessionIds(doc, doc.settings.retention_days, this.options.clock());
    if (expired.length > 0) {
      doc.deleteSessions(expired);
      // The stored update log still holds what the expired sessions said: fold it into the
      // current state, which keeps only their tombstones.
      compactPersistedDoc(this.ydocRef, this.store, this.gen, this.queue);
    }
    await this.queue.idle();
    return expired.length;
  }

  /** Resolves when the sync status is `synced` (at once if it is). */
  async whenSynced(): Promise<void> {
    if (this.status === 'synced') return;
    await this.events.once('status', (s) => s.status === 'synced');
  }

  /** Resolves once every change so far is written to the replica. */
  async flush(): Promise<void> {
    await this.queue.idle();
  }

  /**
   * Deletes everything this device holds for the user — replica tables, raw activity and the
   * local document — and reconnects with an empty document. Data still on the server syncs back;
   * to delete it there, purge through the API (every replica then wipes itself).
   */
  async wipe(): Promise<void> {
    this.ensureOpen('wipe');
    await this.resetLocal(this.gen, 'local');
    this.transport?.restart();
  }

  /** Releases everything: the socket, live queries, PGlite and the replica lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.retentionTimer) clearInterval(this.retentionTimer);
      this.closed = true;
      this.transport?.stop();
      await this.capture.exclusive(async () => {});
      await this.queue.idle();
      for (const off of [...this.liveHandles]) await off();
      this.stopPersisting();
      this.stopConsent();
      this.materializer.stop();
      // After every queued write: the next open skips rebuilding rows that equal the document.
      this.queue.run(() => this.materializer.markClean());
      await this.queue.idle();
      try {
        await this.store.close();
      } finally {
        await this.lock.release();
        this.ydocRef.destroy();
        this.events.clear();
      }
    })();
    return this.closing;
  }

  private async patternsAndInsights(): Promise<{
    patterns: PersonalPatterns;
    insights: UserInsight[];
  }> {
    this.ensureOpen('read patterns');
    return patternsAndInsights(
      await this.store.patternHistory(this.options.clock()),
      this.utcOffsetMinutes(),
    );
  }

  /** The configured offset, else this machine's at the client's clock. */
  private utcOffsetMinutes(): number {
    return this.options.utcOffsetMinutes ?? -new Date(this.options.clock()).getTimezoneOffset();
  }

  /** Wipes the replica and swaps in a fresh document, with capture paused meanwhile. */
  private resetLocal(generation: number, reason: 'purge' | 'local'): Promise<void> {
    return this.capture.exclusive(async () => {
      this.capture.reset();
      this.stopPersisting();
      this.stopConsent();
      this.materializer.stop();
      await this.queue.idle();
      await this.materializer.withdrawMark();
      await this.store.wipe();
      this.gen = generation;
      await this.store.setMeta('generation', generation);
      // Never merge: the old doc is destroyed and a fresh one (new client id, no state) replaces it.
      this.ydocRef.destroy();
      this.ydocRef = new Y.Doc();
      this.userDocRef = new UserDoc(this.ydocRef);
      this.stopPersisting = persistDocUpdates(this.ydocRef, this.store, () => this.gen, this.queue);
      this.materializer = this.newMaterializer();
      this.materializer.start();
      this.stopConsent = enforceRawSampleConsent(this.userDocRef);
      this.events.emit('wiped', { generation, reason });
    });
  }

  private newMaterializer(): Materializer {
    return new Materializer(
      this.userDocRef,
      this.store,
      this.queue,
      (entry) => this.events.emit('rejected', entry),
      () => this.gen,
    );
  }

  private async track(open: () => Promise<Unsubscribe>): Promise<Unsubscribe> {
    this.ensureOpen('subscribe');
    const off = await open();
    let done = false;
    const unsubscribe: Unsubscribe = async () => {
      if (done) return;
      done = true;
      this.liveHandles.delete(unsubscribe);
      await off();
    };
    this.liveHandles.add(unsubscribe);
    return unsubscribe;
  }

  private ensureOpen(operation: string): void {
    if (this.closed) throw new ClientClosedError(operation);
  }
}

/**
 * Opens the user's replica and, given a server and credentials, starts syncing it.
 *
 * @throws ReplicaLockedError when another process has `dataDir` open;
 * ReplicaOwnerMismatchError when `dataDir` holds another user's replica;
 * InvalidClientOptionsError on bad options.
 * @example
 * const client = await createMindfulClient({
 *   dataDir: path.join(globalStorage, 'replica'),
 *   userId,
 *   serverUrl: 'https://mindful.example.com',
 *   auth: { getToken: () => secrets.get('mindful-token') },
 * });
 * client.events.on('status', ({ status }) => statusBar.text = status);
 */
export async function createMindfulClient(options: MindfulClientOptions): Promise<MindfulClient> {
  checkClientOptions(options);
  const lock = options.store
    ? { release: () => Promise.resolve() }
    : await acquireReplicaLock(options.dataDir);
  let store: ReplicaStore | undefined;
  try {
    store = options.store ?? (await openPgliteReplicaStore(options.dataDir));
    const userId = options.userId.toLowerCase();
    const owner = await store.getMeta<string>('user_id');
    if (owner !== undefined && owner !== userId) {
      throw new ReplicaOwnerMismatchError(options.dataDir, userId, owner);
    }
    if (owner === undefined) await store.setMeta('user_id', userId);
    // A reopen writes nothing it already holds: the first write after PGlite
    // starts cost 40 ms of a warm open (docs/performance.md).
    const storedDeviceId = await store.getMeta<string>('device_id');
    const deviceId = options.deviceId ?? storedDeviceId ?? crypto.randomUUID();
    if (deviceId !== storedDeviceId) await store.setMeta('device_id', deviceId);
    const storedGeneration = await store.getMeta<number>('generation');
    const generation = storedGeneration ?? 1;
    if (storedGeneration === undefined) await store.setMeta('generation', generation);
    const ydoc = await loadPersistedDoc(store, generation);
    const client = new MindfulClient(userId, deviceId, store, lock, ydoc, generation, {
      ...options,
      clock: options.clock ?? systemClock,
    });
    try {
      await client.start();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  } catch (error) {
    if (store) await store.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
}
