import pg from 'pg';
import { PgliteThread } from './pglite-thread';

/** What the server talks to: a `pg` pool, whichever engine is behind it. */
export interface Database {
  readonly pool: pg.Pool;
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Where the central store lives: PostgreSQL by URL, or embedded PGlite in a directory. */
export type DatabaseTarget =
  { kind: 'postgres'; url: string; maxConnections?: number } | { kind: 'pglite'; dataDir: string };

/**
 * Opens the central store. PGlite is one backend process, so its pool holds
 * exactly one connection: two pooled clients would interleave transactions.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.maxConnections ?? 10,
    });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it on next use.
    });
    survivesLostConnections(pool);
    return { pool, kind: 'postgres', close: () => pool.end() };
  }
  const thread = await PgliteThread.start(target.dataDir);
  const pool = new pg.Pool({
    // PGlite is one backend process: two pooled clients would interleave transactions.
    max: 1,
    user: 'postgres',
    database: 'postgres',
    password: 'pglite',
    stream: () => thread.socket(),
    // The one PGlite backend outlives every client the pool makes of it (an
    // idle one is closed after 10 s, a broken one is discarded). A new client
    // knows none of the named statements its predecessor prepared, and would
    // fail preparing them again ("already exists"): it starts with none.
    onConnect: (client: pg.ClientBase) => client.query('DEALLOCATE ALL'),
  } as pg.PoolConfig);
  survivesLostConnections(pool);
  return {
    pool,
    kind: 'pglite',
    async close() {
      await pool.end();
      await thread.close();
    },
  };
}

/**
 * pg-pool listens for 'error' only on idle clients. A client checked out for
 * a transaction whose backend dies (pg_terminate_backend, a failover, a
 * network cut) emits 'error' with nobody listening, and Node kills the
 * process. Every client gets a listener for its whole life: the error also
 * rejects the query in flight, which is how the caller learns of it (a 503,
 * see `isDatabaseUnavailable`), and the pool drops the dead client when it
 * comes back.
 */
function survivesLostConnections(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
}

/** Runs `work` in one transaction on one client; rolls back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A failed ROLLBACK means the connection is gone: the pool must not hand it out again.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
