import { afterAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  JobScheduler,
  openDatabase,
  startServer,
  type Database,
  type RunningServer,
  type ScheduledJob,
} from '@mindful/server';
import { msUntilDue } from '../../server/src/jobs/job-due';
import { describeEachStore } from '../helpers/databases';
import { testConfig } from '../helpers/test-server';
import { waitFor } from './sync-helpers';

describe('when a job is due', () => {
  const timing = { everyMs: 1_000, retryMs: 100 };
  it('is due at once if it never ran, after its interval if it ran, after its retry delay if it failed', () => {
    expect(msUntilDue({ sinceStartMs: null, finished: false, failed: false }, timing)).toBe(0);
    expect(msUntilDue({ sinceStartMs: 300, finished: true, failed: false }, timing)).toBe(700);
    expect(msUntilDue({ sinceStartMs: 1_200, finished: true, failed: false }, timing)).toBe(0);
    expect(msUntilDue({ sinceStartMs: 30, finished: true, failed: true }, timing)).toBe(70);
    // Not finished: maybe still finishing elsewhere, so a whole interval.
    expect(msUntilDue({ sinceStartMs: 300, finished: false, failed: false }, timing)).toBe(700);
  });
});

describeEachStore('job scheduler', (store, kind) => {
  const silent = createLogger('silent');
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A second instance's connection pool: its own pool on PostgreSQL; PGlite has one. */
  async function secondInstanceDb(): Promise<Database> {
    if (kind === 'pglite') return store();
    const url = (store().pool.options as { connectionString?: string }).connectionString;
    if (!url) throw new Error('the test database has no connection string');
    const db = await openDatabase({ kind: 'postgres', url, maxConnections: 2 });
    cleanups.push(() => db.close());
    return db;
  }

  it('runs a job once per interval across two schedulers started at different times', async () => {
    const everyMs = 500;
    const starts: { at: number; by: string }[] = [];
    const job = (by: string): ScheduledJob => ({
      name: 'every-half-second',
      everyMs,
      async run(client) {
        starts.push({ at: Date.now(), by });
        await client.query('SELECT 1');
      },
    });
    const first = new JobScheduler(store().pool, silent, { firstCheckMs: 0 });
    const second = new JobScheduler((await secondInstanceDb()).pool, silent, { firstCheckMs: 0 });
    try {
      first.add(job('first'));
      // Half an interval later: each instance's own timer would run it in between.
      await new Promise((resolve) => setTimeout(resolve, everyMs / 2));
      second.add(job('second'));
      await waitFor(() => starts.length >= 5, 'five runs', 15_000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const gaps = starts.slice(1).map((s, i) => s.at - starts[i]!.at);
    for (const gap of gaps) {
      expect(gap, `gaps between runs: ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(everyMs * 0.9);
      expect(gap, `gaps between runs: ${gaps.join(', ')} ms`).toBeLessThan(everyMs * 2);
    }
    const { rows } = await store().pool.query(
      `SELECT runs::int AS runs, last_error, last_finished_at IS NOT NULL AS finished
       FROM job_runs WHERE name = 'every-half-second'`,
    );
    expect(rows).toEqual([{ runs: starts.length, last_error: null, finished: true }]);
  });

  it('logs a failing job, retries it after its retry delay, and the server keeps serving', async () => {
    const lines: { msg: string; job?: string; err?: { message: string } }[] = [];
    const config = testConfig();
    const server: RunningServer = await startServer({
      config,
      log: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }),
      database: store(),
    });
    cleanups.push(() => server.close());
    const attempts: number[] = [];
    const retryMs = 200;
    server.ctx.jobs.add({
      name: 'flaky',
      everyMs: 60 * 60_000,
      retryMs,
      async run() {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error(`boom ${attempts.length}`);
      },
    });
    server.ctx.jobs.add({
      name: 'always-fails',
      everyMs: 60 * 60_000,
      retryMs: 60 * 60_000,
      run: async () => {
        throw new Error('no luck');
      },
    });
    await waitFor(
      async () =>
        (
          await store().pool.query(
            `SELECT 1 FROM job_runs WHERE name = 'always-fails' AND last_error = 'Error: no luck'
               AND last_finished_at IS NOT NULL`,
          )
        ).rowCount === 1,
      'the failure to be recorded',
    );
    await waitFor(() => attempts.length >= 3, 'two retries');
    // The delay runs from the failed run's start on the database clock; `attempts` are stamped
    // when run() is entered, after that start was recorded, which under load can be tens of ms
    // later for one attempt than for the next. Half the delay still tells a retry after its
    // delay from one at once (a few ms).
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(retryMs / 2);
    const failures = lines.filter((l) => l.job === 'flaky' && l.msg.startsWith('job failed'));
    expect(failures.map((l) => l.err?.message)).toEqual(['boom 1', 'boom 2']);
    await waitFor(
      async () =>
        (
          await store().pool.query(
            `SELECT 1 FROM job_runs WHERE name = 'flaky' AND runs = 3
               AND last_error IS NULL AND last_finished_at IS NOT NULL`,
          )
        ).rowCount === 1,
      'the success to be recorded',
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Succeeded: the next run is an interval (an hour) away.
    await new Promise((resolve) => setTimeout(resolve, retryMs * 2));
    expect(attempts).toHaveLength(3);
  });

  it('refuses a job whose interval is not a positive number of milliseconds', () => {
    const scheduler = new JobScheduler(store().pool, silent);
    expect(() => scheduler.add({ name: 'broken', everyMs: 0, run: async () => {} })).toThrow(
      /Job broken: everyMs must be a positive, finite number/,
    );
  });
});
