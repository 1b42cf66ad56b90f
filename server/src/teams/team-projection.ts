import type { ProjectionEvents } from '../projection/projection-events';
import { refreshTeamMetricsForUsers } from './team-metrics';

/**
 * Teams follow the projection: every reconciled change of members' rows
 * refreshes the aggregates of the teams they consent to share with, for the
 * dates that changed, in the reconciling transaction (one statement for all
 * the users a run reconciled).
 * @returns how to stop following.
 */
export function followReconciledRows(projection: ProjectionEvents): () => void {
  return projection.onRowsReconciled((client, changes) =>
    refreshTeamMetricsForUsers(
      client,
      changes.map(({ userId, changedDates }) => ({ userId, dates: changedDates })),
    ),
  );
}
