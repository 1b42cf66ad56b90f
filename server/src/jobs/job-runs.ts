import type pg from 'pg';
import type { JobRunState } from './job-due';

type Db = Pick<pg.Pool, 'query'> | pg.ClientBase;

/** Reads the job's row; ages come from the database clock, shared by every instance. */
export async function readJobRun(db: Db, name: string): Promise<JobRunState> {
  const { rows } = await db.query<{
    since_start_ms: number | null;
    finished: boolean;
    failed: boolean;
  }>(
    `SELECT (EXTRACT(EPOCH FROM (now() - last_started_at)) * 1000)::float8 AS since_start_ms,
            last_finished_at IS NOT NULL AS finished,
            last_error IS NOT NULL AS failed
     FROM job_runs WHERE name = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) return { sinceStartMs: null, finished: false, failed: false };
  return { sinceStartMs: row.since_start_ms, finished: row.finished, failed: row.failed };
}

/** Records that a run starts now; returns its number (to record its end against). */
export async function recordStart(db: Db, name: string): Promise<string> {
  const { rows } = await db.query<{ runs: string }>(
    `INSERT INTO job_runs (name, runs, last_started_at) VALUES ($1, 1, now())
     ON CONFLICT (name) DO UPDATE SET runs = job_runs.runs + 1, last_started_at = now(),
       last_finished_at = NULL, last_error = NULL
     RETURNING runs::text AS runs`,
    [name],
  );
  return rows[0]!.runs;
}

/** Records the end of run `run`, failed or not (unless a later run has started since). */
export async function recordEnd(
  db: Db,
  name: string,
  run: string,
  failure: { error: unknown } | null,
): Promise<void> {
  await db.query(
    `UPDATE job_runs SET last_finished_at = now(), last_error = $3
     WHERE name = $1 AND runs = $2::bigint`,
    [name, run, failure ? describeError(failure.error) : null],
  );
}

/**
 * The error's kind, code and message, cut short. Not its detail: a database
 * error's detail can quote the row's values.
 */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 500);
  const code = (error as { code?: unknown }).code;
  const kind = typeof code === 'string' ? `${error.name} ${code}` : error.name;
  return `${kind}: ${error.message}`.slice(0, 500);
}
