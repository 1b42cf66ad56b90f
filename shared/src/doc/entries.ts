import { z } from 'zod';
import { isStorableJson, storableText, UNSTORABLE_TEXT_MESSAGE } from '../schemas/storable-text';

/**
 * Bounds for everything a replica may put in a user's document. A replica is
 * untrusted (it may be old, buggy or hostile), so the server and other
 * replicas re-check every entry against these before using it.
 */
export const DOC_LIMITS = {
  maxStringLength: 500,
  maxLanguages: 64,
  maxFlowPeriods: 500,
  maxCounter: 100_000_000,
  maxDurationMs: 7 * 24 * 3600 * 1000,
  maxRhythmSamples: 1000,
  maxJsonBytes: 16 * 1024,
  maxJsonKeyLength: 100,
  maxLanguageNameLength: 64,
  maxDeviceIdLength: 128,
  maxErrorKinds: 32,
  maxErrorKindLength: 64,
} as const;

const uuid = z.string().uuid();
const isoTime = z.string().datetime({ offset: true });
const counter = z.number().int().min(0).max(DOC_LIMITS.maxCounter);
const durationMs = z.number().int().min(0).max(DOC_LIMITS.maxDurationMs);
const unit = z.number().finite().min(0).max(1);
// Every string is bounded and storable as sent (no NUL, no lone surrogate):
// PostgreSQL refuses such text, and the row would never reach the tables.
const shortText = storableText(DOC_LIMITS.maxStringLength);
const boundedJson = z
  .record(storableText(DOC_LIMITS.maxJsonKeyLength), z.unknown())
  .refine((value) => JSON.stringify(value).length <= DOC_LIMITS.maxJsonBytes, {
    message: `must serialise to at most ${DOC_LIMITS.maxJsonBytes} bytes`,
  })
  .refine((value) => isStorableJson(value), { message: UNSTORABLE_TEXT_MESSAGE });

/** One closed flow period inside a session (also kept as its own flow-state entry). */
export const flowPeriodSchema = z
  .object({
    start_time: isoTime,
    end_time: isoTime,
    duration_ms: durationMs,
    intensity: unit,
    context_switches: counter.optional(),
    recovery_time_ms: durationMs.nullable().optional(),
    /**
     * What detected the period: `keystroke` (the flow detector, the default
     * when absent) or `coarse` (inferred from WakaTime heartbeat cadence,
     * which only says that someone kept working; never overrides a
     * keystroke verdict).
     */
    signal: z.enum(['keystroke', 'coarse']).optional(),
  })
  .strict();
export type FlowPeriodEntry = z.infer<typeof flowPeriodSchema>;

/**
 * A coding session as stored in the user's document: the seed's
 * `coding_sessions` columns, snake_case, without `user_id` (the owner of the
 * document is the only user it can belong to).
 */
export const sessionEntrySchema = z
  .object({
    id: uuid,
    start_time: isoTime,
    end_time: isoTime.nullable(),
    total_duration_ms: durationMs.nullable(),
    active_duration_ms: durationMs.nullable(),
    files_modified: counter,
    keystrokes: counter,
    lines_added: counter,
    lines_deleted: counter,
    language_breakdown: z
      .record(storableText(DOC_LIMITS.maxLanguageNameLength), durationMs)
      .refine((value) => Object.keys(value).length <= DOC_LIMITS.maxLanguages, {
        message: `at most ${DOC_LIMITS.maxLanguages} languages`,
      }),
    project_path: shortText.nullable(),
    environment_data: boundedJson.nullable(),
    flow_state_periods: z.array(flowPeriodSchema).max(DOC_LIMITS.maxFlowPeriods),
    interruption_count: counter,
    error_rate: z.number().finite().min(0).max(1000).nullable(),
    focus_score: unit.nullable(),
    device_id: storableText(DOC_LIMITS.maxDeviceIdLength).nullable(),
    updated_at: isoTime,
    /** Editor that produced the session (sessions built from WakaTime heartbeats). */
    editor: storableText(64).nullable().optional(),
    /** Machine name the editor ran on (WakaTime's `X-Machine-Name`). */
    machine: storableText(128).nullable().optional(),
    /** WakaTime category (`coding`, `debugging`, …). */
    category: storableText(64).nullable().optional(),
    /** Where the session came from when not the Mindful extension itself. */
    source: z.enum(['wakatime']).optional(),
  })
  .strict()
  .refine((s) => s.end_time === null || Date.parse(s.end_time) >= Date.parse(s.start_time), {
    message: 'end_time is before start_time',
    path: ['end_time'],
  });
export type SessionEntry = z.infer<typeof sessionEntrySchema>;

/** A flow state (one flow period with its context), the seed's `flow_states` row. */
export const flowStateEntrySchema = z
  .object({
    id: uuid,
    session_id: uuid,
    start_time: isoTime,
    end_time: isoTime.nullable(),
    duration_ms: durationMs.nullable(),
    intensity_score: unit,
    context_switches: counter,
    recovery_time_ms: durationMs.nullable(),
    typing_rhythm_data: z
      .object({
        mean_interval_ms: z.number().finite().min(0).max(60_000),
        coefficient_of_variation: z.number().finite().min(0).max(100),
        samples: z
          .array(z.number().finite().min(0).max(60_000))
          .max(DOC_LIMITS.maxRhythmSamples)
          .optional(),
      })
      .strict()
      .nullable(),
    // Strict and bounded: free-form extra fields were stored, encrypted and
    // exported at any size. `kinds` and `last` name the errors, never more.
    error_events: z
      .object({
        count: counter,
        kinds: z
          .array(storableText(DOC_LIMITS.maxErrorKindLength))
          .max(DOC_LIMITS.maxErrorKinds)
          .optional(),
        last: shortText.optional(),
      })
      .strict()
      .nullable(),
    environmental_factors: boundedJson.nullable(),
  })
  .strict();
export type FlowStateEntry = z.infer<typeof flowStateEntrySchema>;
