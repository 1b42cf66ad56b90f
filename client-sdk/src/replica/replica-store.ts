import type {
  CurrentFlow,
  FlowStateRecord,
  HistoryPage,
  HistoryQuery,
  LocalActivityRow,
  SessionRecord,
} from './replica-records';

/** Fields of a session that the privacy settings keep on the device. */
export interface SessionPrivateFields {
  project_path: string | null;
  environment_data: Record<string, unknown> | null;
}

/** Small settings of the replica itself (owner, generation, schema marks). */
export interface ReplicaMetaStore {
  /** A replica_meta value, or undefined. */
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
}

/** The CRDT log: the document's Yjs updates, per generation (what restores the Y.Doc). */
export interface DocUpdateStore {
  /** Stored Y.Doc updates of `generation`, in arrival order. */
  loadDocUpdates(generation: number): Promise<Uint8Array[]>;
  appendDocUpdate(generation: number, update: Uint8Array): Promise<void>;
  /** Replaces every stored update of `generation` by one (compaction), atomically. */
  replaceDocUpdates(generation: number, merged: Uint8Array): Promise<void>;
  countDocUpdates(generation: number): Promise<number>;
}

/** The rows materialised from the document, written only by the materializer. */
export interface MaterializedRowStore {
  /**
   * Writes one change of the rows atomically: all of it or none. Deleting a session
   * deletes everything the device keeps of it (private fields, raw activity); an id that
   * cannot be a row's (no UUID) is ignored.
   */
  writeRows(change: RowChange): Promise<void>;
  sessionIds(): Promise<string[]>;
  flowStateIds(): Promise<string[]>;
}

/** Rows to upsert and ids to delete, per table. */
export interface RowChange {
  sessions: readonly SessionRecord[];
  deletedSessions: readonly string[];
  flowStates: readonly FlowStateRecord[];
  deletedFlowStates: readonly string[];
}

/** What never leaves the device: private session fields, raw activity, the open session. */
export interface DeviceActivityStore {
  setSessionPrivate(sessionId: string, fields: SessionPrivateFields): Promise<void>;
  appendActivity(sessionId: string, at: number, payload: unknown): Promise<void>;
  activityOf(sessionId: string): Promise<LocalActivityRow[]>;
  /** The session this device is capturing, with its start parameters. */
  getOpenSession(): Promise<{ sessionId: string; payload: unknown } | null>;
  setOpenSession(sessionId: string, payload: unknown): Promise<void>;
  clearOpenSession(): Promise<void>;
}

/** One-off reads of the materialised rows. */
export interface ReplicaQueryStore {
  history(query?: HistoryQuery): Promise<HistoryPage>;
  /** Every session, oldest first. */
  allSessions(): Promise<SessionRecord[]>;
  /**
   * What personal patterns are drawn from at `now` (ms): the ended sessions of the shared
   * `PATTERN_HISTORY` before it, oldest first.
   */
  patternHistory(now: number): Promise<SessionRecord[]>;
  /**
   * The sessions that may touch [startMs, endMs] (ms since epoch, finite), oldest first like
   * {@link ReplicaQueryStore.allSessions}: every session whose extent — its span and its flow
   * periods, see `sessionExtent` — meets the range, both ends included. A superset of what any
   * range query keeps, for it to filter: the read prunes, it does not decide.
   */
  sessionsOverlapping(startMs: number, endMs: number): Promise<SessionRecord[]>;
  flowStatesOf(sessionId: string): Promise<FlowStateRecord[]>;
  currentFlow(): Promise<CurrentFlow>;
}

/** Live queries: each calls back now and whenever its answer changes; resolves with how to stop. */
export interface ReplicaLiveQueryStore {
  /** Calls `onChange` with the first page of history now and whenever it changes. */
  liveHistory(
    query: HistoryQuery,
    onChange: (page: HistoryPage) => void,
  ): Promise<() => Promise<void>>;
  /** Calls `onChange` with the current flow now and whenever it changes. */
  liveCurrentFlow(onChange: (flow: CurrentFlow) => void): Promise<() => Promise<void>>;
  /** Calls `onChange` whenever the set of sessions changes (to recompute patterns). */
  liveSessionsChanged(onChange: () => void): Promise<() => Promise<void>>;
}

/**
 * The seam between the SDK and its embedded database: everything the client reads and writes in
 * the replica, as focused seams (each part of the SDK takes only the one it uses: the document
 * persistence a {@link DocUpdateStore}, the materializer a {@link MaterializedRowStore}, capture
 * a {@link DeviceActivityStore}). The real implementation is PGlite
 * ({@link openPgliteReplicaStore}); anything that keeps these semantics (e.g. a test double over
 * SQLite) can stand in.
 */
export interface ReplicaStore
  extends
    ReplicaMetaStore,
    DocUpdateStore,
    MaterializedRowStore,
    DeviceActivityStore,
    ReplicaQueryStore,
    ReplicaLiveQueryStore {
  /** Empties every data table (keeps replica_meta). */
  wipe(): Promise<void>;
  close(): Promise<void>;
}
