import { z } from 'zod';
import { toFlowInputIssues } from '../schemas/flow-input';
import { MIN_EVIDENCE_MS, type FlowDetectorConfig } from './detector-config';
import { FlowInputError } from './errors';
import type { FlowPeriod } from './flow-period';
import type { PersonalBaseline } from './personal-baseline';
import { emptyRhythmState, type RhythmState } from './rhythm-features';
import { SESSION_RHYTHM } from './session-rhythm';

/** Running totals of the updates of an (open or tentative) flow period. */
export interface PeriodAccumulator {
  scoreSum: number;
  count: number;
  contextSwitches: number;
}

/** Keystrokes of one update and the wall-clock span they were typed in. */
export interface ActivityEntry {
  startMs: number;
  endMs: number;
  keystrokes: number;
}

/**
 * The whole state of a {@link FlowDetector} as plain JSON. Restoring it and feeding more inputs
 * gives exactly what feeding all inputs to one detector gives.
 */
export interface FlowDetectorSnapshot {
  version: 1;
  config: FlowDetectorConfig;
  baseline: PersonalBaseline | null;
  /** Ring buffer contents, oldest first. */
  intervals: number[];
  activity: ActivityEntry[];
  lastTimestamp: number | null;
  /** Start of the current stretch of continuous work. */
  activeSince: number | null;
  inFlow: boolean;
  enterPendingSince: number | null;
  flowStart: number | null;
  exitPendingSince: number | null;
  current: PeriodAccumulator | null;
  exitPending: PeriodAccumulator | null;
  /** End of the previous period if it ended by interruption (for recovery time). */
  lastInterruptionEnd: number | null;
  lastScore: number | null;
  periods: FlowPeriod[];
  /**
   * The session's own typing pace and smoothed rates (the rhythm features). Absent in snapshots
   * taken before it existed: they restore with an empty one (the session's pace is relearned).
   */
  rhythm: RhythmState;
}

const finite = z.number().refine(Number.isFinite, 'must be finite');
const nullableFinite = finite.nullable();
const hoursOfWeek = z.array(z.number().int().min(0).max(167)).max(168);
const utcOffsetMinutes = z
  .number()
  .int()
  .min(-24 * 60)
  .max(24 * 60);
const acc = z.object({ scoreSum: finite, count: z.number().int().min(0), contextSwitches: finite });

/** Zod schema of {@link FlowDetectorSnapshot}, for restoring from untrusted storage. */
export const flowDetectorSnapshotSchema = z.object({
  version: z.literal(1),
  config: z.object({
    enterThreshold: finite,
    exitThreshold: finite,
    enterDwellMs: finite,
    exitDwellMs: finite,
    // Snapshots taken before the entry-evidence rule existed restore with today's default.
    minEvidenceMs: finite.default(MIN_EVIDENCE_MS),
    idleGapMs: finite,
    bufferCapacity: z.number().int().min(5).max(100_000),
    activityWindowMs: finite,
    peakHoursOfWeek: hoursOfWeek,
    utcOffsetMinutes,
  }),
  baseline: z
    .object({
      meanIntervalMs: finite.positive(),
      intervalCov: finite.positive(),
      keystrokesPerMinute: finite.positive(),
      sampleCount: z.number().int().min(0),
      peakHours: z.object({ hoursOfWeek, utcOffsetMinutes }).optional(),
    })
    .nullable(),
  intervals: z.array(finite.min(0)).max(100_000),
  activity: z.array(z.object({ startMs: finite, endMs: finite, keystrokes: finite.min(0) })),
  lastTimestamp: nullableFinite,
  activeSince: nullableFinite,
  inFlow: z.boolean(),
  enterPendingSince: nullableFinite,
  flowStart: nullableFinite,
  exitPendingSince: nullableFinite,
  current: acc.nullable(),
  exitPending: acc.nullable(),
  lastInterruptionEnd: nullableFinite,
  lastScore: nullableFinite,
  periods: z.array(
    z.object({
      startMs: finite,
      endMs: finite,
      durationMs: finite,
      intensity: finite.min(0).max(1),
      contextSwitches: finite.min(0),
      recoveryTimeMs: nullableFinite,
      endReason: z.enum(['score', 'idle', 'session_end']),
    }),
  ),
  rhythm: z
    .object({
      hist: z.array(finite.min(0)).length(SESSION_RHYTHM.bins),
      histTotal: finite.min(0),
      ema: z
        .object({
          switchesPerMin: finite.min(0),
          switchesPerMinSlow: finite.min(0),
          errorsPerMin: finite.min(0),
          editsPerMin: finite.min(0),
          burstShare: finite.min(0).max(1),
        })
        .nullable(),
      prevErrors: finite.min(0),
    })
    .default(emptyRhythmState),
});

/**
 * Validates a stored snapshot.
 *
 * @throws {@link FlowInputError} naming each bad field.
 */
export function parseDetectorSnapshot(raw: unknown): FlowDetectorSnapshot {
  const parsed = flowDetectorSnapshotSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FlowInputError('flow detector snapshot', toFlowInputIssues(parsed.error));
  }
  return parsed.data as FlowDetectorSnapshot;
}
