import type { Logger } from 'pino';
import type { Auth } from './auth/auth';
import type { Config } from './config/config';
import type { Database } from './db/database';
import type { JobScheduler } from './jobs/scheduler';
import type { FieldCipher } from './privacy/cipher';
import type { Projection } from './projection/projection';
import type { UserBaselines } from './sessions/user-baseline';
import type { DocumentRegistry } from './sync/document-registry';
import type { PgDocumentLog } from './sync/pg-document-log';

/** What every subsystem of the server is built from. */
export interface AppContext {
  config: Config;
  db: Database;
  auth: Auth;
  log: Logger;
  cipher: FieldCipher;
  jobs: JobScheduler;
  /** The CRDT update log of every user document (replication's storage). */
  documentLog: PgDocumentLog;
  /** The user documents in memory: the one write path for sync and REST. */
  registry: DocumentRegistry;
  /** The projection of documents into relational rows (reconciliation). */
  projection: Projection;
  /** Each user's personal flow baseline (rhythm and peak hours), cached: one for every route. */
  baselines: UserBaselines;
}
