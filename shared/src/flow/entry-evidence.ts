/**
 * What the detector must have seen before it may declare flow. A logistic score of 0.8 on the
 * first update of a stretch is not evidence: that update's length is a guess (so its per-minute
 * rates are), the smoothed rates start from it, and typing is judged against a pace that is still
 * mostly the prior's. As those settle, the score of even perfectly steady behaviour moves, so a
 * detector that entered early could leave again with nothing having changed.
 */
export interface EntryEvidence {
  /** Time since the current stretch of work began (first update, or the first after idle), ms. */
  readonly observedMs: number;
  /** Keystroke intervals in the update being judged. */
  readonly keystrokes: number;
  /**
   * Whether the pace that update's typing was judged against is the session's own (the prior
   * fully replaced, see `paceSettled` in session-rhythm.ts).
   */
  readonly paceSettled: boolean;
}

/**
 * Whether flow may begin on an update: the stretch has been observed for at least
 * `minEvidenceMs`, and any typing in the update was judged against the session's own, settled
 * pace. An update without keystrokes needs no pace (its rhythm features do not depend on it), so
 * reading or debugging without typing can still begin flow.
 *
 * @example
 * ```ts
 * enoughEvidenceToEnter({ observedMs: 0, keystrokes: 60, paceSettled: false }, 90_000); // false
 * enoughEvidenceToEnter({ observedMs: 90_000, keystrokes: 0, paceSettled: false }, 90_000); // true
 * ```
 */
export function enoughEvidenceToEnter(e: EntryEvidence, minEvidenceMs: number): boolean {
  return e.observedMs >= minEvidenceMs && (e.keystrokes === 0 || e.paceSettled);
}
