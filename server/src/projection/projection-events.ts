import type pg from 'pg';
import type { PrivacySettings } from '@mindful/shared';

/**
 * "A document's settings were projected": runs first inside the reconciling
 * transaction on `client`, with the settings the document holds. A listener
 * that throws fails the run (it is retried), so nothing downstream sees rows
 * projected under settings that were not applied.
 */
export type SettingsProjectedListener = (
  client: pg.PoolClient,
  userId: string,
  settings: PrivacySettings,
) => Promise<void>;

/** One user's rows changed in a run: the UTC dates (YYYY-MM-DD) of the sessions that changed. */
export interface RowsChange {
  userId: string;
  changedDates: string[];
}

/**
 * "Users' rows were reconciled": runs inside the reconciling transaction
 * after the rows changed, once per run, with each user whose rows changed (a
 * run may reconcile several users' documents together). A listener that
 * throws aborts the run, which is redone at once, document by document,
 * without the rows listeners and logged: the rows still commit. A listener
 * must therefore be safe to skip (the team refresh is: a day it skipped is
 * refreshed at that day's next change).
 */
export type RowsReconciledListener = (
  client: pg.PoolClient,
  changes: readonly RowsChange[],
) => Promise<void>;

/** What the projection publishes; features subscribe in their own folder. */
export interface ProjectionEvents {
  /** Subscribes to "settings projected"; returns how to unsubscribe. */
  onSettingsProjected(listener: SettingsProjectedListener): () => void;
  /** Subscribes to "rows reconciled"; returns how to unsubscribe. */
  onRowsReconciled(listener: RowsReconciledListener): () => void;
}
