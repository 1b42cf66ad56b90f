/** What `job_runs` says about a job's last run, measured on the database clock. */
export interface JobRunState {
  /** Milliseconds since the last run started; null if the job never ran. */
  sinceStartMs: number | null;
  /** The run that last started has recorded its end. */
  finished: boolean;
  /** That run ended with an error. */
  failed: boolean;
}

/** How often a job runs, and how soon it is tried again after a failure. */
export interface JobTiming {
  everyMs: number;
  retryMs: number;
}

/**
 * Milliseconds until the job is due again (0: due now). A failed run is
 * retried after `retryMs`. A run that has not recorded its end counts as a
 * normal run: it may still be finishing on another instance (the part after
 * the lock), and if that instance died, the next interval picks the job up.
 */
export function msUntilDue(state: JobRunState, timing: JobTiming): number {
  if (state.sinceStartMs === null) return 0;
  const wait = state.finished && state.failed ? timing.retryMs : timing.everyMs;
  return Math.max(0, wait - state.sinceStartMs);
}
