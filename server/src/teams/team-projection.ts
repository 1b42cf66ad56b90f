import type { ProjectionEvents } from '../projection/projection-events';
import { refreshTeamMetricsForUser } from './team-metrics';

/**
 * Teams follow the projection: every reconciled change of a member's rows
 * refreshes the aggregates of the teams they consent to share with, for the
 * dates that changed, in the reconciling transaction.
 * @returns how to stop following.
 */
export function followReconciledRows(projection: ProjectionEvents): () => void {
  return projection.onRowsReconciled((client, userId, changedDates) =>
    refreshTeamMetricsForUser(client, userId, changedDates),
  );
}
