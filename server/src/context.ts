import type { Logger } from 'pino';
import type { Auth } from './auth/auth';
import type { Config } from './config/config';
import type { Database } from './db/database';
import type { JobScheduler } from './jobs/scheduler';
import type { FieldCipher } from './privacy/cipher';

/** What every subsystem of the server is built from. */
export interface AppContext {
  config: Config;
  db: Database;
  auth: Auth;
  log: Logger;
  cipher: FieldCipher;
  jobs: JobScheduler;
}
