import type { AppContext } from '../context';
import type { ScheduledJob } from '../jobs/scheduler';
import { reencryptStaleValues } from './reencrypt';
import { retentionJob } from './retention';

/** Re-seals values written under retired keys; a no-op when none are left. */
export function reencryptJob(ctx: AppContext): ScheduledJob<Record<string, number>> {
  return {
    name: 'privacy-reencrypt',
    everyMs: 6 * 60 * 60_000,
    run: (client) => reencryptStaleValues(client, ctx.cipher),
  };
}

/** The privacy jobs the server schedules (from `scheduled-jobs.ts`). */
export function privacyJobs(ctx: AppContext): ScheduledJob[] {
  return [retentionJob(ctx), reencryptJob(ctx)];
}
