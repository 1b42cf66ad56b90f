/**
 * A live query derived from the replica's sessions: recomputed whenever the sessions table
 * changes (local capture or sync) or the replica is wiped (a purge empties tables with TRUNCATE,
 * which fires no row trigger), and reported only when the result differs from the last one, so a
 * subscriber (a React hook) re-renders only when what it shows changed.
 */

/** What a derived live query needs from the client. */
export interface DerivedSource<T> {
  /** Calls back on every change of the sessions table; resolves with an unsubscribe. */
  onSessionsChanged(listener: () => void): Promise<() => Promise<void>>;
  /** Calls back after every wipe; returns an unsubscribe. */
  onWiped(listener: () => void): () => void;
  /** Computes the current result. */
  compute(): Promise<T>;
  /** Where failures of a recomputation go (the client's `error` event). */
  onError(error: unknown): void;
}

/** Serialises a result for change detection; results are plain JSON data. */
function fingerprint(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Calls `onChange` with the result now and after each change that alters it. Recomputations that
 * finish out of order never report an older result after a newer one.
 */
export async function liveDerived<T>(
  source: DerivedSource<T>,
  onChange: (value: T) => void,
): Promise<() => Promise<void>> {
  let started = 0;
  let reported = 0;
  let last: string | null = null;
  let stopped = false;
  const recompute = async (): Promise<void> => {
    const ticket = ++started;
    const value = await source.compute();
    if (stopped || ticket < reported) return;
    reported = ticket;
    const print = fingerprint(value);
    if (print === last) return;
    last = print;
    onChange(value);
  };
  const schedule = () => {
    recompute().catch((error: unknown) => {
      if (!stopped) source.onError(error);
    });
  };
  const offSessions = await source.onSessionsChanged(schedule);
  const offWiped = source.onWiped(schedule);
  const stop = async () => {
    stopped = true;
    offWiped();
    await offSessions();
  };
  try {
    await recompute();
  } catch (error) {
    // A query that cannot answer now (a malformed range) never leaves a subscription behind.
    await stop();
    throw error;
  }
  return stop;
}
