import type { Logger } from 'pino';
import type pg from 'pg';
import { withAdvisoryLock } from './advisory-lock';
import { msUntilDue, type JobTiming } from './job-due';
import { readJobRun, recordEnd, recordStart } from './job-runs';

/** A job the server runs on a schedule, once per interval across all instances. */
export interface ScheduledJob<T = unknown> {
  name: string;
  everyMs: number;
  /** Wait before trying again after a failed run (default: the interval, at most 5 minutes). */
  retryMs?: number;
  /** The exclusive part, on the connection that holds the job's lock. */
  run(client: pg.PoolClient): Promise<T>;
  /**
   * Work on what `run` found, after the lock (and its connection) is released:
   * for steps that go through the pool themselves, e.g. document writes —
   * on PGlite the locked connection is the only one. A failure here fails the run.
   */
  afterUnlock?(found: T): Promise<void>;
}

/** One line of a scheduler's timetable. */
export interface ScheduledEntry {
  name: string;
  everyMs: number;
  retryMs: number;
}

/** A job whose timing cannot be scheduled. */
export class JobTimingError extends Error {
  constructor(job: string, field: string, value: unknown) {
    super(
      `Job ${job}: ${field} must be a positive, finite number of milliseconds, got ${String(value)}`,
    );
    this.name = 'JobTimingError';
  }
}

/** Tuning of the scheduler (tests shorten it). */
export interface SchedulerOptions {
  /** Delay before a newly added job's first check, so start-up settles first. */
  firstCheckMs?: number;
}

const DEFAULT_RETRY_MS = 5 * 60_000;

function timingOf(job: ScheduledJob<unknown>): JobTiming {
  const timing = {
    everyMs: job.everyMs,
    retryMs: job.retryMs ?? Math.min(job.everyMs, DEFAULT_RETRY_MS),
  };
  for (const [field, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value <= 0) throw new JobTimingError(job.name, field, value);
  }
  return timing;
}

/**
 * How long to sleep before the next check. A check that found the job not yet
 * due by a hair (timers and the two clocks differ by a millisecond or so)
 * sleeps a short while, not zero, so it never spins.
 */
function sleepMs(waitMs: number, timing: JobTiming): number {
  const soon = Math.max(5, Math.min(1_000, timing.everyMs / 10, timing.retryMs / 10));
  return Math.max(Math.ceil(waitMs) + 2, soon);
}

/** Told of every finished run (metrics): the job, whether it failed, how long it took. */
export type JobRunObserver = (job: string, outcome: 'success' | 'failure', seconds: number) => void;

type Attempt = { outcome: 'ran' } | { outcome: 'failed'; error: unknown } | { outcome: 'skipped' };

/**
 * Runs jobs on their intervals, once per interval across every instance that
 * shares the database: under the job's advisory lock, `job_runs` says when it
 * last started, and an instance runs it only once the interval has passed.
 * Each instance sleeps until the job is next due by that record, so instances
 * started at different times do not each run an hourly job hourly. A failure
 * is logged, recorded, and retried after the job's retry delay; it never
 * reaches the caller.
 */
export class JobScheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly schedule: ScheduledEntry[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly firstCheckMs: number;
  private readonly observers: JobRunObserver[] = [];
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    options: SchedulerOptions = {},
  ) {
    this.firstCheckMs = options.firstCheckMs ?? 1_000;
  }

  /**
   * Starts scheduling `job`: first checked shortly after (at most one interval),
   * then whenever `job_runs` says it is next due.
   * @throws JobTimingError when its interval or retry delay is not a positive number.
   */
  add<T>(job: ScheduledJob<T>): void {
    const timing = timingOf(job);
    this.schedule.push({ name: job.name, ...timing });
    this.wake(job, Math.min(this.firstCheckMs, timing.everyMs, timing.retryMs));
  }

  /**
   * The jobs added so far with their interval and retry delay, in the order
   * they were added: what this server runs, readable without waiting for a run.
   */
  scheduled(): readonly ScheduledEntry[] {
    return [...this.schedule];
  }

  /** Runs `job` now under its advisory lock, due or not; never throws. */
  async runNow<T>(job: ScheduledJob<T>): Promise<{ ran: boolean; error?: unknown }> {
    if (this.stopped) return { ran: false };
    try {
      const attempt = await this.track(this.attempt(job, true));
      if (attempt.outcome === 'ran') return { ran: true };
      return attempt.outcome === 'failed' ? { ran: false, error: attempt.error } : { ran: false };
    } catch (error) {
      this.log.error({ job: job.name, err: error }, 'job could not be started');
      return { ran: false, error };
    }
  }

  /** Calls `observer` after every run this instance makes (skipped checks are not runs). */
  onRun(observer: JobRunObserver): void {
    this.observers.push(observer);
  }

  /** Stops scheduling and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private wake<T>(job: ScheduledJob<T>, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.track(this.tick(job).then((next) => this.wake(job, next)));
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Runs the job if it is due; returns how long to sleep. Never throws. */
  private async tick<T>(job: ScheduledJob<T>): Promise<number> {
    const timing = timingOf(job);
    try {
      await this.attempt(job, false);
      return sleepMs(msUntilDue(await readJobRun(this.pool, job.name), timing), timing);
    } catch (error) {
      this.log.error(
        { job: job.name, err: error, retryMs: timing.retryMs },
        'could not check whether the job is due; checking again after its retry delay',
      );
      return timing.retryMs;
    }
  }

  /**
   * One run under the job's lock: skipped when another instance holds the
   * lock or (unless forced) the job is not due. The job's own failure is
   * logged and recorded, not thrown; a database failure around it is thrown.
   */
  private async attempt<T>(job: ScheduledJob<T>, force: boolean): Promise<Attempt> {
    const timing = timingOf(job);
    const started = Date.now();
    const locked = await withAdvisoryLock(this.pool, job.name, async (client) => {
      if (!force && msUntilDue(await readJobRun(client, job.name), timing) > 0) return null;
      const run = await recordStart(client, job.name);
      try {
        return { run, failed: false as const, found: await job.run(client) };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        return { run, failed: true as const, error };
      }
    });
    if (!locked.ran || locked.result === null) return { outcome: 'skipped' };
    const outcome = locked.result;
    let failure: { error: unknown } | null = outcome.failed ? { error: outcome.error } : null;
    if (!outcome.failed && job.afterUnlock) {
      try {
        await job.afterUnlock(outcome.found);
      } catch (error) {
        failure = { error };
      }
    }
    await recordEnd(this.pool, job.name, outcome.run, failure);
    const ms = Date.now() - started;
    for (const observe of this.observers)
      observe(job.name, failure ? 'failure' : 'success', ms / 1000);
    if (failure) {
      this.log.error(
        { job: job.name, err: failure.error, ms, retryMs: timing.retryMs },
        'job failed; it will run again after its retry delay',
      );
      return { outcome: 'failed', error: failure.error };
    }
    this.log.info({ job: job.name, ms }, 'job ran');
    return { outcome: 'ran' };
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }
}
