import type { Logger } from 'pino';
import type pg from 'pg';
import { withAdvisoryLock } from './advisory-lock';

/** A job the server runs on a schedule, once across all instances. */
export interface ScheduledJob<T = unknown> {
  name: string;
  everyMs: number;
  /** The exclusive part, on the connection that holds the job's lock. */
  run(client: pg.PoolClient): Promise<T>;
  /**
   * Work on what `run` found, after the lock (and its connection) is released:
   * for steps that go through the pool themselves, e.g. document writes —
   * on PGlite the locked connection is the only one.
   */
  afterUnlock?(found: T): Promise<void>;
}

/** Runs jobs on their intervals; a failure is logged and the job retried at its next tick. */
export class JobScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  /** Starts ticking `job` every `job.everyMs` (first run after one interval). */
  add<T>(job: ScheduledJob<T>): void {
    const timer = setInterval(() => void this.runNow(job), job.everyMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs `job` now under its advisory lock; never throws. */
  async runNow<T>(job: ScheduledJob<T>): Promise<{ ran: boolean; error?: unknown }> {
    if (this.stopped) return { ran: false };
    const started = Date.now();
    const run = (async () => {
      const outcome = await withAdvisoryLock(this.pool, job.name, (client) => job.run(client));
      if (outcome.ran && job.afterUnlock) await job.afterUnlock(outcome.result);
      return outcome;
    })();
    this.running.add(run);
    try {
      const outcome = await run;
      if (outcome.ran) this.log.info({ job: job.name, ms: Date.now() - started }, 'job ran');
      return { ran: outcome.ran };
    } catch (error) {
      this.log.error(
        { job: job.name, err: error },
        'job failed; it will run again at its next tick',
      );
      return { ran: false, error };
    } finally {
      this.running.delete(run);
    }
  }

  /** Stops ticking and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled([...this.running]);
  }
}
