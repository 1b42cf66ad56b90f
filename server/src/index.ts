export { parseConfig, ConfigError, type Config, SUBSCRIPTION_TIERS } from './config/config';
export { openDatabase, inTransaction, type Database, type DatabaseTarget } from './db/database';
export { migrate, MIGRATIONS_DIR, ChangedMigrationError } from './db/migrate';
export { FieldCipher, DecryptionError, placeOf, keyId } from './privacy/cipher';
export { createLogger } from './log/logger';
export { startServer, type RunningServer, type StartOptions } from './server';
export type { AppContext } from './context';
