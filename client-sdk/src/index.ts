// Public API of @mindful/client-sdk, by name.

// The client
export {
  MindfulClient,
  createMindfulClient,
  type MindfulClientEvents,
  type LiveQueries,
  type Unsubscribe,
} from './mindful-client';
export type { MindfulClientOptions } from './client-options';
export { systemClock, type Clock } from './clock';
export { TypedEmitter, type EventMap } from './events/typed-emitter';

// Accounts
export {
  signUp,
  signIn,
  signOut,
  tokenAuth,
  AuthRequestError,
  type AuthSession,
  type SignUpFields,
  type SignInFields,
  type AuthRequestOptions,
} from './auth/auth-client';

// Errors
export {
  ReplicaLockedError,
  ClientClosedError,
  NoActiveSessionError,
  ReplicaOwnerMismatchError,
  InvalidClientOptionsError,
} from './errors';

// Capture
export {
  CAPTURE_ORIGIN,
  type ActivityEvent,
  type StartSessionOptions,
} from './capture/session-capture';
export { RunningSummary, type RunningMetrics } from './capture/running-summary';
export { flowStateId } from './capture/capture-entries';

// Replica
export type {
  SessionRecord,
  FlowStateRecord,
  HistoryPage,
  HistoryQuery,
  CurrentFlow,
  LocalActivityRow,
} from './replica/replica-records';
export type {
  ReplicaStore,
  ReplicaMetaStore,
  DocUpdateStore,
  MaterializedRowStore,
  RowChange,
  DeviceActivityStore,
  ReplicaQueryStore,
  ReplicaLiveQueryStore,
  SessionPrivateFields,
} from './replica/replica-store';
export { openPgliteReplicaStore } from './replica/pglite-replica-store';
export { sessionExtent, type SessionExtent } from './replica/session-extent';
export { acquireReplicaLock, type ReplicaLock } from './replica/replica-lock';
export { REPLICA_MIGRATIONS } from './replica/replica-migrations';
export { PERSISTENCE_ORIGIN, COMPACT_THRESHOLD } from './doc/doc-persistence';
export type { RejectedEntry } from './doc/materializer';

// Sync
export {
  SYNC_STATUSES,
  SYNC_CLOSE_CODES,
  parseGenerationReason,
  type SyncStatus,
} from './sync/sync-status';
export type { SyncHost, SyncTransport } from './sync/sync-transport';
export {
  WebsocketSync,
  toWebSocketBase,
  type SyncAuth,
  type WebsocketSyncOptions,
} from './sync/websocket-sync';
export { patternsAndInsights, toHistoryEntries } from './query/patterns-from-replica';
export type { RangeQueries, LiveRangeQueries } from './query/replica-queries';
export type { TimeRange, DayRange, FlowPeriodRecord } from './query/range-queries';
export { InvalidQueryError } from './query/invalid-query-error';
