import { z } from 'zod';
import {
  boundedCount,
  boundedTimestamp,
  keystrokeIntervalsSchema,
  FLOW_INPUT_LIMITS,
  toFlowInputIssues,
} from '../schemas/flow-input';
import { storableText } from '../schemas/storable-text';
import { FlowInputError } from './errors';

/** Most keystrokes / lines in one update (deltas since the previous update). */
const MAX_DELTA = 1_000_000;
const delta = z.number().int('must be an integer').min(0, 'must be >= 0').max(MAX_DELTA);

/**
 * Zod schema of one timestamped activity update (the API's SessionUpdate body with a required
 * timestamp). Counters are deltas since the previous update.
 */
export const sessionActivityUpdateSchema = z.object({
  timestamp: boundedTimestamp,
  keystroke_intervals: keystrokeIntervalsSchema,
  context_switches: boundedCount,
  error_events: boundedCount,
  focus_duration: z.number().min(0).max(FLOW_INPUT_LIMITS.maxFocusDurationMs),
  file_modifications: boundedCount,
  keystrokes: delta,
  lines_added: delta,
  lines_deleted: delta.optional(),
  language: storableText(64).min(1).optional(),
});

/** Wire form of a session activity update. */
export type SessionActivityUpdateWire = z.infer<typeof sessionActivityUpdateSchema>;

/** One activity update of a coding session, camelCase. */
export interface SessionActivityUpdate {
  /** When the update was taken, ms since epoch. */
  readonly timestamp: number;
  /** Keystroke intervals since the previous update, ms. */
  readonly keystrokeIntervals: readonly number[];
  /** Context switches since the previous update. */
  readonly contextSwitches: number;
  /** Error events since the previous update. */
  readonly errorEvents: number;
  /** Continuous window focus so far, ms. */
  readonly focusDuration: number;
  /** File modifications since the previous update. */
  readonly fileModifications: number;
  /** Keystrokes since the previous update. */
  readonly keystrokes: number;
  /** Lines added since the previous update. */
  readonly linesAdded: number;
  /** Lines deleted since the previous update. */
  readonly linesDeleted: number;
  /** Language of the active editor, when known. */
  readonly language?: string;
}

/**
 * Validates a wire activity update.
 *
 * @throws {@link FlowInputError} naming each bad field.
 */
export function parseSessionActivityUpdate(raw: unknown): SessionActivityUpdate {
  const parsed = sessionActivityUpdateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FlowInputError('session update', toFlowInputIssues(parsed.error));
  }
  return fromSessionActivityWire(parsed.data);
}

/** Maps an already validated wire activity update to its camelCase form. */
export function fromSessionActivityWire(d: SessionActivityUpdateWire): SessionActivityUpdate {
  return {
    timestamp: d.timestamp,
    keystrokeIntervals: d.keystroke_intervals,
    contextSwitches: d.context_switches,
    errorEvents: d.error_events,
    focusDuration: d.focus_duration,
    fileModifications: d.file_modifications,
    keystrokes: d.keystrokes,
    linesAdded: d.lines_added,
    linesDeleted: d.lines_deleted ?? 0,
    ...(d.language === undefined ? {} : { language: d.language }),
  };
}

/**
 * Whether an update shows activity (keystrokes, typing, file changes or edited lines): only
 * such updates add active time.
 */
export function hasActivity(u: SessionActivityUpdate): boolean {
  return (
    u.keystrokes > 0 ||
    u.keystrokeIntervals.length > 0 ||
    u.fileModifications > 0 ||
    u.linesAdded > 0 ||
    u.linesDeleted > 0
  );
}
