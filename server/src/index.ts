export { parseConfig, ConfigError, type Config, SUBSCRIPTION_TIERS } from './config/config';
export { openDatabase, inTransaction, type Database, type DatabaseTarget } from './db/database';
export { migrate, MIGRATIONS_DIR, ChangedMigrationError } from './db/migrate';
export { FieldCipher, DecryptionError, placeOf, keyId } from './crypto/cipher';
export { createLogger } from './log/logger';
export { startServer, type RunningServer, type StartOptions } from './server';
export type { AppContext } from './context';
export { DocumentRegistry, type RegistryOptions } from './sync/document-registry';
export { compactDocument, compactionJob } from './sync/compaction';
export { generationNotice, parseDocNotice } from './sync/instance-fanout';
export { encodeAwarenessNotice, parseAwarenessNotice } from './sync/awareness-notice';
export { PgDocumentLog } from './sync/pg-document-log';
export { MemoryDocumentLog } from './sync/memory-document-log';
export { GenerationMovedError, type DocumentLog, type LoggedUpdate } from './sync/document-log';
export { Projection, type ProjectionOptions } from './projection/projection';
export type {
  ProjectionEvents,
  RowsChange,
  RowsReconciledListener,
  SettingsProjectedListener,
} from './projection/projection-events';
export { subjectHash, updatePlace } from './sync/log-places';
export { withAdvisoryLock } from './jobs/advisory-lock';
export { JobScheduler, type ScheduledJob } from './jobs/scheduler';
export { purgeUser, PURGE_SCOPES, type PurgeScope, type PurgeOutcome } from './privacy/purge';
export { reencryptStaleValues } from './privacy/reencrypt';
export { retentionJob, findExpiredSessions, expireSessions } from './privacy/retention';
export { ENCRYPTED_COLUMNS, type EncryptedColumn } from './privacy/encrypted-columns';
export { userDataColumns, type UserColumn } from './privacy/user-data-tables';
export { EXPORT_SECTIONS } from './privacy/user-export';
export {
  recomputeTeam,
  recomputeAllTeams,
  refreshTeamMetricsForUser,
  refreshTeamMetricsForUsers,
  consentingTeamIdsOf,
} from './teams/team-metrics';
export { createApp } from './http/app';
export { ApiDocs, type DocGroup, type DocumentedRoute } from './openapi/api-docs';
export { mountedRoutes, type MountedRoute } from './openapi/express-routes';
