import type pg from 'pg';

/** Anything `pg` can run a query on: a pool or one client. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;
