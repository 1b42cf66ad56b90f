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

/**
 * The seam between the SDK and its embedded database: everything the client reads and writes in
 * the replica. The real implementation is PGlite ({@link openPgliteReplicaStore}); anything that
 * keeps these semantics (e.g. a test double over SQLite) can stand in.
 */
export interface ReplicaStore {
  /** A replica_meta value, or undefined. */
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;

  /** Stored Y.Doc updates of `generation`, in arrival order. */
  loadDocUpdates(generation: number): Promise<Uint8Array[]>;
  appendDocUpdate(generation: number, update: Uint8Array): Promise<void>;
  /** Replaces every stored update of `generation` by one (compaction), atomically. */
  replaceDocUpdates(generation: number, merged: Uint8Array): Promise<void>;
  countDocUpdates(generation: number): Promise<number>;

  upsertSession(entry: SessionRecord): Promise<void>;
  /** Deletes the session and everything the device keeps of it: private fields, raw activity. */
  deleteSession(id: string): Promise<void>;
  sessionIds(): Promise<string[]>;
  upsertFlowState(entry: FlowStateRecord): Promise<void>;
  deleteFlowState(id: string): Promise<void>;
  flowStateIds(): Promise<string[]>;

  setSessionPrivate(sessionId: string, fields: SessionPrivateFields): Promise<void>;
  appendActivity(sessionId: string, at: number, payload: unknown): Promise<void>;
  activityOf(sessionId: string): Promise<LocalActivityRow[]>;
  /** The session this device is capturing, with its start parameters. */
  getOpenSession(): Promise<{ sessionId: string; payload: unknown } | null>;
  setOpenSession(sessionId: string, payload: unknown): Promise<void>;
  clearOpenSession(): Promise<void>;

  history(query?: HistoryQuery): Promise<HistoryPage>;
  /** Every session, oldest first (for patterns and insights). */
  allSessions(): Promise<SessionRecord[]>;
  flowStatesOf(sessionId: string): Promise<FlowStateRecord[]>;
  currentFlow(): Promise<CurrentFlow>;

  /** Calls `onChange` with the first page of history now and whenever it changes. */
  liveHistory(
    query: HistoryQuery,
    onChange: (page: HistoryPage) => void,
  ): Promise<() => Promise<void>>;
  /** Calls `onChange` with the current flow now and whenever it changes. */
  liveCurrentFlow(onChange: (flow: CurrentFlow) => void): Promise<() => Promise<void>>;
  /** Calls `onChange` whenever the set of sessions changes (to recompute patterns). */
  liveSessionsChanged(onChange: () => void): Promise<() => Promise<void>>;

  /** Empties every data table (keeps replica_meta). */
  wipe(): Promise<void>;
  close(): Promise<void>;
}
