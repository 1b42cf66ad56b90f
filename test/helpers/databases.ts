import { afterAll, beforeAll, describe } from 'vitest';
import { migrate, openDatabase, type Database } from '@mindful/server';
import { createScratchDatabase } from './scratch-database';

/** The central-store engines the suite runs against. */
export type StoreKind = 'pglite' | 'postgres';

/**
 * PGlite always; PostgreSQL when TEST_DATABASE_URL is set. Under CI=true the
 * variable is required: CI must fail, not skip, when PostgreSQL is missing.
 */
export function storeKinds(): StoreKind[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (process.env.CI === 'true') {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suite cannot run');
  }
  return ['pglite'];
}

/** A fresh, private database for one test file, dropped on dispose. */
export interface TestDatabase extends Database {
  dispose(): Promise<void>;
}

/**
 * Opens a fresh database of the given kind. On PostgreSQL it is a new
 * database created beside TEST_DATABASE_URL's (so files can run in parallel);
 * on PGlite an in-memory instance.
 */
export async function openTestDatabase(
  kind: StoreKind,
  { migrated = true }: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  let db: Database;
  let drop = async () => {};
  if (kind === 'pglite') {
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  } else {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    const scratch = await createScratchDatabase(adminUrl);
    db = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections: 10 });
    drop = scratch.drop;
  }
  if (migrated) await migrate(db.pool);
  return {
    ...db,
    async dispose() {
      await db.close();
      await drop();
    },
  };
}

/**
 * Declares `suite` once per store kind, with one database opened for the
 * whole describe block (PGlite opens slowly: once per file, not per test).
 */
export function describeEachStore(
  name: string,
  suite: (store: () => TestDatabase, kind: StoreKind) => void,
  options: { migrated?: boolean } = {},
): void {
  for (const kind of storeKinds()) {
    describe(`${name} [${kind}]`, () => {
      let db: TestDatabase | undefined;
      beforeAll(async () => {
        db = await openTestDatabase(kind, options);
      });
      afterAll(async () => {
        await db?.dispose();
      });
      suite(() => {
        if (!db) throw new Error('test database not open yet');
        return db;
      }, kind);
    });
  }
}
