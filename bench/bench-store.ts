// The central store a database-backed benchmark runs on: a fresh PostgreSQL
// database beside BENCH_DATABASE_URL or TEST_DATABASE_URL, dropped afterwards;
// without either, an in-memory PGlite (and the printout says which).
import { openDatabase, type Database } from '@mindful/server';
import { createScratchDatabase } from '../test/helpers/scratch-database';

export interface BenchStore {
  db: Database;
  /** `PostgreSQL` or `PGlite`, for the printed figures. */
  label: string;
  dispose(): Promise<void>;
}

export async function openBenchStore(maxConnections = 20): Promise<BenchStore> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    return { db, label: 'PGlite', dispose: () => db.close() };
  }
  const scratch = await createScratchDatabase(adminUrl, 'mc_bench');
  const db = await openDatabase({ kind: 'postgres', url: scratch.url, maxConnections });
  return {
    db,
    label: 'PostgreSQL',
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}
