import type { AppContext } from './context';
import { insightsJob } from './insights/insights-job';
import { privacyJobs } from './privacy/privacy-jobs';
import { compactionJob } from './sync/compaction';
import { teamJobs } from './teams/team-jobs';

/** Which scheduled work runs (tests drive the jobs directly: a timer would race their assertions). */
export interface JobPlan {
  /** Team aggregation, burnout alerts, invitation expiry, retention, re-encryption. */
  features: boolean;
  /** Log compaction, insights, and the catch-up on reconciliation a crash left behind. */
  replication: boolean;
  /** How often the catch-up looks for documents whose rows lag their log. */
  catchUpEveryMs: number;
}

/**
 * Every periodic job of the server, scheduled from this one place: each runs
 * once across instances under its advisory lock (see `jobs/scheduler.ts`),
 * except the catch-up, which is idempotent and runs on every instance.
 */
export function scheduleJobs(ctx: AppContext, plan: JobPlan): void {
  if (plan.features) {
    for (const job of [...teamJobs(ctx), ...privacyJobs(ctx)]) ctx.jobs.add(job);
  }
  if (plan.replication) {
    ctx.jobs.add(compactionJob(ctx.cipher, ctx.registry.metrics));
    ctx.jobs.add(insightsJob());
    ctx.projection.startCatchingUp(plan.catchUpEveryMs);
  }
}
