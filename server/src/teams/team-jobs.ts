import type { AppContext } from '../context';
import type { ScheduledJob } from '../jobs/scheduler';
import { runTeamBurnoutCheck } from './burnout/run-team-check';
import { addDays } from '../time/zoned-time';
import { recomputeAllTeams } from './team-metrics';
import { deleteExpiredInvitations } from './team-invitations';

/** How often the full aggregate refresh runs; the reconciler keeps days current in between. */
export const TEAM_METRICS_REFRESH_MS = 60 * 60 * 1000;
/** How often the weekly burnout check looks for teams whose last week was not checked yet. */
export const TEAM_BURNOUT_CHECK_MS = 6 * 60 * 60 * 1000;
/** How often expired team invitations (addresses of people who never answered) are deleted. */
export const TEAM_INVITATION_EXPIRY_MS = 60 * 60 * 1000;

/** The Monday (UTC) of the last complete Monday–Sunday week before `now`. */
export function lastCompleteWeekStart(now: Date): string {
  const today = now.toISOString().slice(0, 10);
  const weekday = (now.getUTCDay() + 6) % 7; // Monday = 0
  return addDays(today, -weekday - 7);
}

/**
 * The team jobs: a full recompute of every team's aggregates (catches
 * anything an incremental refresh missed, e.g. a purge), and the weekly
 * burnout check of the last complete week for teams not yet checked, and the
 * deletion of expired invitations. Each
 * runs under its own advisory lock through the JobScheduler; a failure is
 * logged and retried at the next tick.
 */
export function teamJobs(ctx: AppContext, now: () => Date = () => new Date()): ScheduledJob[] {
  return [
    {
      name: 'team-metrics-refresh',
      everyMs: TEAM_METRICS_REFRESH_MS,
      run: (client) => recomputeAllTeams(client),
    },
    {
      name: 'team-burnout-check',
      everyMs: TEAM_BURNOUT_CHECK_MS,
      async run(client) {
        const weekStart = lastCompleteWeekStart(now());
        const { rows } = await client.query<{ id: string }>(
          `SELECT t.id FROM teams t
           WHERE NOT EXISTS (SELECT 1 FROM team_alerts a WHERE a.team_id = t.id AND a.week_start = $1)`,
          [weekStart],
        );
        for (const team of rows) {
          await client.query('BEGIN');
          try {
            await runTeamBurnoutCheck(
              client,
              team.id,
              { start: weekStart },
              ctx.config.teamMinGroupSize,
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            // One team's failure must not stop the others; the next tick retries it.
            ctx.log.error({ err: error, team: team.id }, 'team burnout check failed');
          }
        }
        return rows.length;
      },
    },
    {
      name: 'team-invitation-expiry',
      everyMs: TEAM_INVITATION_EXPIRY_MS,
      run: (client) => deleteExpiredInvitations(client),
    },
  ];
}
