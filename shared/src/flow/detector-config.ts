import { DEFAULT_FLOW_HYSTERESIS } from './generated/flow-model-data';

/** Tunables of {@link FlowDetector}; all durations in ms. */
export interface FlowDetectorConfig {
  /** Score at or above which flow may begin (the seed's 0.7). */
  readonly enterThreshold: number;
  /** Score below which flow may end; lower than `enterThreshold` (hysteresis). */
  readonly exitThreshold: number;
  /** How long the score must stay >= enter threshold before flow begins. */
  readonly enterDwellMs: number;
  /** How long the score must stay < exit threshold before flow ends (brief glances don't). */
  readonly exitDwellMs: number;
  /**
   * Flow may begin only once the current stretch of work (since the first update, or the first
   * after an idle gap) has been observed this long, and only on an update whose typing, if any,
   * was judged against the session's own settled pace (`enoughEvidenceToEnter`). Until then the
   * smoothed rates and the pace are still settling, and a score that moves with them is not a
   * verdict to stand by.
   */
  readonly minEvidenceMs: number;
  /** A gap between updates longer than this is idle time: flow ends, the buffer is cleared. */
  readonly idleGapMs: number;
  /** Keystroke intervals kept for rhythm analysis (the seed's ring buffer of 100). */
  readonly bufferCapacity: number;
  /** Window over which recent keystrokes per minute are measured. */
  readonly activityWindowMs: number;
  /**
   * The user's peak hours (hour of week, local), for the peak-hour recommendation. Empty (the
   * default) → the baseline's `peakHours` are used; set, they override the baseline's.
   */
  readonly peakHoursOfWeek: readonly number[];
  /** The UTC offset in minutes east that `peakHoursOfWeek` are local to. */
  readonly utcOffsetMinutes: number;
}

/**
 * Default {@link FlowDetectorConfig.minEvidenceMs}: never on the first update (its length is
 * unknown), and time rather than a count of updates, so a REST caller sending every few seconds
 * waits as long as the extension (one update every 30–60 s). After 30 s the smoothed rates are
 * close enough to steady that what remains of their settling moves the default model's score
 * less than the enter/exit band (shared/model/README.md, "Entry evidence").
 */
export const MIN_EVIDENCE_MS = 30_000;

/**
 * Defaults. The enter and exit thresholds and dwell times are the default model's, chosen by
 * `npm run train:flow` on a tuning split (the best worst-family F1 with at most 3 spurious state
 * changes per hour and the enter/leave latency limits; see shared/model/flow-model.json), with
 * the entry-evidence rule in place. Idle after 5 minutes without an update (the same threshold
 * as the session summary).
 */
export const DEFAULT_DETECTOR_CONFIG: FlowDetectorConfig = {
  ...DEFAULT_FLOW_HYSTERESIS,
  minEvidenceMs: MIN_EVIDENCE_MS,
  idleGapMs: 5 * 60_000,
  bufferCapacity: 100,
  activityWindowMs: 120_000,
  peakHoursOfWeek: [],
  utcOffsetMinutes: 0,
};

/** Merges overrides over the defaults and checks the result is coherent. */
export function resolveDetectorConfig(
  overrides: Partial<FlowDetectorConfig> = {},
): FlowDetectorConfig {
  const c = { ...DEFAULT_DETECTOR_CONFIG, ...overrides };
  const problems: string[] = [];
  if (!(c.exitThreshold <= c.enterThreshold))
    problems.push('exitThreshold must be <= enterThreshold');
  if (!(c.enterThreshold > 0 && c.enterThreshold <= 1))
    problems.push('enterThreshold must be in (0,1]');
  if (!(c.exitThreshold >= 0)) problems.push('exitThreshold must be >= 0');
  for (const k of [
    'enterDwellMs',
    'exitDwellMs',
    'minEvidenceMs',
    'idleGapMs',
    'activityWindowMs',
  ] as const) {
    if (!(c[k] >= 0 && Number.isFinite(c[k]))) problems.push(`${k} must be a finite number >= 0`);
  }
  if (!(Number.isInteger(c.bufferCapacity) && c.bufferCapacity >= 5)) {
    problems.push('bufferCapacity must be an integer >= 5');
  }
  if (problems.length > 0)
    throw new RangeError(`Invalid flow detector config: ${problems.join('; ')}`);
  return c;
}
