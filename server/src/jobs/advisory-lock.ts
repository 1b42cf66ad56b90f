import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A stable 63-bit advisory-lock key for a job name. */
export function lockKey(name: string): string {
  const digest = createHash('sha256').update(`mindful-job:${name}`).digest();
  return (digest.readBigInt64BE(0) & 0x7fff_ffff_ffff_ffffn).toString();
}

/**
 * Runs `work` only if no other process holds the job's advisory lock, so no
 * two server instances run a job at the same time (that each runs it once per
 * interval is the scheduler's `job_runs` check, made under this lock). The lock belongs to one
 * connection, so `work` gets that connection and must do its queries on it
 * (on PGlite it is the only connection there is). Returns `{ ran: false }`
 * when another instance holds the lock.
 */
export async function withAdvisoryLock<T>(
  pool: pg.Pool,
  name: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const key = lockKey(name);
  const client = await pool.connect();
  // Set when the connection may still hold the lock or is dead: the pool must
  // then drop it rather than lend it out again.
  let unusable: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [key],
    );
    if (rows[0]?.locked !== true) return { ran: false };
    try {
      return { ran: true, result: await work(client) };
    } catch (error) {
      // A transaction left open by failed work would refuse the unlock below
      // and keep the lock on a pooled connection for good.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A failed unlock must not hide the work's own error; destroying the
      // connection releases a session-level lock all the same.
      await client
        .query('SELECT pg_advisory_unlock($1::bigint)', [key])
        .catch((error: Error) => (unusable = error));
    }
  } finally {
    client.release(unusable);
  }
}
