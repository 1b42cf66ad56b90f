import type { Logger } from 'pino';
import type pg from 'pg';
import { withAdvisoryLock } from './advisory-lock';

/** A job the server runs on a schedule, once across all instances. */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  run(client: pg.PoolClient): Promise<unknown>;
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
  add(job: ScheduledJob): void {
    const timer = setInterval(() => void this.runNow(job), job.everyMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs `job` now under its advisory lock; never throws. */
  async runNow(job: ScheduledJob): Promise<{ ran: boolean; error?: unknown }> {
    if (this.stopped) return { ran: false };
    const started = Date.now();
    const run = withAdvisoryLock(this.pool, job.name, (client) => job.run(client));
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
