import { z } from 'zod';
import { storableText } from './storable-text';
import { FlowInputError, type FlowInputIssue } from '../flow/errors';
import { wireInstantMs } from './wire-time';

/**
 * Bounds on flow input. Values outside them are not plausible telemetry (a keystroke interval of a
 * day, a million context switches in one update) and are rejected rather than scored.
 */
export const FLOW_INPUT_LIMITS = {
  /** Most keystroke intervals in one update (50 keys/s for 100 s). */
  maxIntervals: 5_000,
  /** Longest keystroke interval accepted, ms (one hour; longer is idle time, not typing). */
  maxIntervalMs: 3_600_000,
  /** Most context switches, error events or file modifications in one update. */
  maxCount: 10_000,
  /** Longest window-focus duration, ms (one day). */
  maxFocusDurationMs: 86_400_000,
  /** Earliest timestamp accepted (2000-01-01T00:00:00Z), ms. */
  minTimestamp: 946_684_800_000,
  /** Latest timestamp accepted (2100-01-01T00:00:00Z), ms. */
  maxTimestamp: 4_102_444_800_000,
} as const;

const L = FLOW_INPUT_LIMITS;

/** A non-negative integer count bounded by {@link FLOW_INPUT_LIMITS.maxCount}. */
export const boundedCount = z
  .number()
  .int('must be an integer')
  .min(0, 'must be >= 0')
  .max(L.maxCount, `must be <= ${L.maxCount}`);

/**
 * A timestamp, parsed to ms since the Unix epoch, within {@link FLOW_INPUT_LIMITS}: epoch ms or
 * an ISO-8601 date-time with an offset (the API's one time rule, {@link wireInstantMs}).
 */
export const boundedTimestamp = wireInstantMs;

/** Keystroke intervals in ms, each finite, >= 0 and bounded; the array itself bounded. */
export const keystrokeIntervalsSchema = z
  .array(
    z.number().min(0, 'must be >= 0 ms').max(L.maxIntervalMs, `must be <= ${L.maxIntervalMs} ms`),
  )
  .max(L.maxIntervals, `must hold at most ${L.maxIntervals} intervals`);

/**
 * Zod schema of the seed's `FlowStateData` on the wire (snake_case). Unknown fields are
 * stripped; NaN, Infinity, negatives and absurd sizes are rejected.
 */
export const flowStateDataSchema = z.object({
  session_id: storableText(128).min(1).optional(),
  keystroke_intervals: keystrokeIntervalsSchema,
  context_switches: boundedCount,
  error_events: boundedCount,
  window_focus_duration: z
    .number()
    .min(0, 'must be >= 0 ms')
    .max(L.maxFocusDurationMs, `must be <= ${L.maxFocusDurationMs} ms`),
  file_modifications: boundedCount,
  timestamp: boundedTimestamp,
});

/** The wire form of a flow input, as sent by the extension (`POST /api/flow/detect`). */
export type FlowStateDataWire = z.infer<typeof flowStateDataSchema>;

/** A validated flow input, camelCase, as used inside the engine. */
export interface FlowInput {
  /** Session the input belongs to, when known. */
  readonly sessionId?: string;
  /** Milliseconds between consecutive keystrokes since the previous update. */
  readonly keystrokeIntervals: readonly number[];
  /** File/window switches since the previous update. */
  readonly contextSwitches: number;
  /** Compilation/syntax errors since the previous update. */
  readonly errorEvents: number;
  /** How long the editor window has been continuously focused, ms. */
  readonly windowFocusDuration: number;
  /** File modifications since the previous update. */
  readonly fileModifications: number;
  /** When the update was taken, ms since epoch (the detector's only clock). */
  readonly timestamp: number;
}

/**
 * Turns zod issues into {@link FlowInputIssue}s with wire paths like `keystroke_intervals[3]`.
 */
export function toFlowInputIssues(error: z.ZodError): FlowInputIssue[] {
  return error.issues.map((issue) => {
    let field = '';
    for (const part of issue.path) {
      field += typeof part === 'number' ? `[${part}]` : `${field ? '.' : ''}${String(part)}`;
    }
    return { field: field || '(root)', message: issue.message };
  });
}

/**
 * Validates a wire FlowStateData and maps it to the internal camelCase {@link FlowInput}.
 *
 * @throws {@link FlowInputError} naming each bad field.
 * @example
 * ```ts
 * const input = parseFlowInput(JSON.parse(body));
 * const result = detector.update(input);
 * ```
 */
export function parseFlowInput(raw: unknown): FlowInput {
  const parsed = flowStateDataSchema.safeParse(raw);
  if (!parsed.success) throw new FlowInputError('flow input', toFlowInputIssues(parsed.error));
  return fromFlowStateDataWire(parsed.data);
}

/** Maps validated wire data (snake_case) to the internal {@link FlowInput}. */
export function fromFlowStateDataWire(d: FlowStateDataWire): FlowInput {
  return {
    ...(d.session_id === undefined ? {} : { sessionId: d.session_id }),
    keystrokeIntervals: d.keystroke_intervals,
    contextSwitches: d.context_switches,
    errorEvents: d.error_events,
    windowFocusDuration: d.window_focus_duration,
    fileModifications: d.file_modifications,
    timestamp: d.timestamp,
  };
}

/** Maps an internal {@link FlowInput} back to its wire form (e.g. for the sync log). */
export function toFlowStateDataWire(input: FlowInput): FlowStateDataWire {
  return {
    ...(input.sessionId === undefined ? {} : { session_id: input.sessionId }),
    keystroke_intervals: [...input.keystrokeIntervals],
    context_switches: input.contextSwitches,
    error_events: input.errorEvents,
    window_focus_duration: input.windowFocusDuration,
    file_modifications: input.fileModifications,
    timestamp: input.timestamp,
  };
}
