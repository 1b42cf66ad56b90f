import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig, PglitePgConnection } from '@electric-sql/pglite/node-postgres';

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
 * Whether other server instances can share this store and must hear of its
 * changes (`pg_notify`, `sync/instance-fanout.ts`): PostgreSQL can be shared;
 * embedded PGlite lives in this one process, and nobody else can listen to it.
 */
export function sharedByInstances(db: Pick<Database, 'kind'>): boolean {
  return db.kind === 'postgres';
}

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
  const pglite = await startPglite(target.dataDir);
  // createPgConfig shares ONE connection object between every client the pool
  // makes. pg-pool discards a client whose query failed, and the discarded
  // client's late 'end' event then reaches its successor, which dies with
  // "Connection terminated unexpectedly". A connection per client avoids it.
  class PGliteClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connection: new PglitePgConnection({ pglite }) } as pg.ClientConfig);
    }
  }
  const pool = new pg.Pool({
    ...createPgConfig(pglite),
    max: 1,
    Client: PGliteClient,
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
      await pglite.close();
    },
  };
}

/**
 * Starts PGlite in `dataDir`. What PGlite throws when it cannot (an Emscripten
 * file-system error, say, for a path that is a file) has no message at all;
 * the server would stop with none. This names the directory and the cause.
 */
async function startPglite(dataDir: string): Promise<PGlite> {
  try {
    return await PGlite.create(dataDir);
  } catch (error) {
    throw new Error(`PGlite did not start in ${dataDir}: ${startFailure(error)}`, {
      cause: error,
    });
  }
}

function startFailure(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  const { name, errno } = (error ?? {}) as { name?: unknown; errno?: unknown };
  if (typeof errno === 'number') {
    return `${typeof name === 'string' ? name : 'error'} ${errno} from its file system (is it a directory the server can write to?)`;
  }
  return String(error);
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
