// The project's server as the benchmarks run it: production code paths
// (better-auth, encryption, durable update log, reconciliation into the
// store), logging silenced, on the bench store (see bench-store.ts).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createLogger, parseConfig, startServer, type RunningServer } from '@mindful/server';
import { unreconciledDocuments } from '../server/src/projection/projection-store';
import { openBenchStore, type BenchStore } from './bench-store';

/** A user with a bearer session. */
export interface BenchUser {
  id: string;
  token: string;
}

export interface BenchServer {
  server: RunningServer;
  store: BenchStore;
  close(): Promise<void>;
}

/** Starts the project's server on a fresh bench store (`env`: settings other than the defaults). */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const store = await openBenchStore();
  const config = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    ENCRYPTION_KEY: 'b2'.repeat(32),
    BETTER_AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer({
    config,
    // BENCH_LOG=error shows what the server logs while a bench runs.
    log: createLogger(process.env.BENCH_LOG ?? 'silent'),
    database: store.db,
  });
  return {
    server,
    store,
    async close() {
      await server.close();
      await store.dispose();
    },
  };
}

/**
 * Users with bearer sessions, created in SQL: signing up 1,000 users through
 * the API would time password hashing, not what is measured.
 */
export async function createUsers(pool: pg.Pool, count: number): Promise<BenchUser[]> {
  const tag = randomBytes(4).toString('hex');
  const { rows } = await pool.query<{ id: string; token: string }>(
    `WITH u AS (
       INSERT INTO users (email, name) SELECT 'bench-' || $1 || '-' || g || '@example.com', 'Bench'
       FROM generate_series(1, $2) g RETURNING id)
     INSERT INTO auth_sessions (user_id, token, expires_at)
     SELECT id, md5(random()::text || id::text) || md5(random()::text), NOW() + interval '1 day' FROM u
     RETURNING user_id::text AS id, token`,
    [tag, count],
  );
  return rows;
}

/**
 * Resolves once every document's rows have caught up with its log: what an
 * earlier section wrote is reconciled, so a latency figure does not time that
 * section's aftermath. Polls the store; gives up after `timeoutMs`.
 */
export async function settled(pool: pg.Pool, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The query the server's own catch-up uses to find documents whose rows lag their log.
    const rows = await unreconciledDocuments(pool, 1);
    if (rows.length === 0) return;
    if (Date.now() > deadline) throw new Error('the server did not reconcile its documents');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
