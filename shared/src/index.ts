// Public API of @mindful/shared, by name.

// The layout of a user's CRDT document.
export {
  DOC_LIMITS,
  flowPeriodSchema,
  sessionEntrySchema,
  flowStateEntrySchema,
  type FlowPeriodEntry,
  type SessionEntry,
  type FlowStateEntry,
} from './doc/entries';
export {
  privacySettingsSchema,
  privacySettingsPatchSchema,
  DEFAULT_PRIVACY_SETTINGS,
  type PrivacySettings,
} from './doc/privacy-settings';
export { DOC_KEYS, InvalidEntryError, UserDoc, type ReadResult } from './doc/user-doc';

// The wire contract shared by server and SDK: close codes, doc names, entry ids and builders.
export {
  SYNC_CLOSE,
  generationReason,
  parseGenerationReason,
  SYNC_PATH_PREFIX,
  USER_DOC_PREFIX,
  userDocName,
  userIdOfDocName,
  flowStateId,
  buildSessionEntry,
  clampCounter,
  clampDurationMs,
  type SyncClose,
  type SyncCloseName,
  type SessionEntryFields,
} from './wire/index';
export { expiredSessionIds } from './doc/retention';

// Flow input (wire schema and internal type)
export {
  FLOW_INPUT_LIMITS,
  flowStateDataSchema,
  parseFlowInput,
  fromFlowStateDataWire,
  toFlowStateDataWire,
  toFlowInputIssues,
} from './schemas/flow-input';
export type { FlowInput, FlowStateDataWire } from './schemas/flow-input';
export {
  isStorableJson,
  isStorableText,
  storableText,
  UNSTORABLE_TEXT_MESSAGE,
} from './schemas/storable-text';
export {
  WIRE_TIME_LIMITS,
  wireInstantMs,
  wireInstantIso,
  wireDay,
  wireInstantOrDay,
  ianaTimeZone,
  type InstantOrDay,
} from './schemas/wire-time';

// Flow engine: errors
export { FlowInputError, OutOfOrderInputError } from './flow/errors';
export type { FlowInputIssue } from './flow/errors';

// Flow engine: features and models
export { intervalStats, rhythmScore, MIN_RHYTHM_INTERVALS } from './flow/rhythm';
export type { IntervalStats } from './flow/rhythm';
export {
  extractFeatures,
  featureVector,
  focusScore,
  errorScore,
  focusDurationScore,
  FEATURE_ORDER,
  FEATURE_COUNT,
  FOCUS_DURATION_HORIZON_MS,
  ERROR_HALF_SCORE_COUNT,
  REFERENCE_INTERVAL_MS,
  NO_RHYTHM_FEATURES,
} from './flow/features';
export type { FlowFeatures, FeatureContext } from './flow/features';
export type { FlowModel, AsyncFlowModel } from './flow/flow-model';
export { heuristicFlowModel, HEURISTIC_WEIGHTS, SEED_FLOW_THRESHOLD } from './flow/heuristic-model';
export { createLogisticFlowModel, sigmoid } from './flow/logistic-model';
export type { LogisticParams } from './flow/logistic-model';
export { learnedFlowModel, learnedFlowParams } from './flow/learned-model';
export { defaultFlowModel, defaultFlowParams } from './flow/default-model';
export {
  emptyRhythmState,
  rhythmStep,
  advanceRhythm,
  RHYTHM_FEATURES,
} from './flow/rhythm-features';
export type { RhythmFeatures, RhythmState, RhythmEma, RhythmStep } from './flow/rhythm-features';
export {
  SESSION_RHYTHM,
  paceSettled,
  personalMedianMs,
  priorWeightLeft,
  rhythmPrior,
} from './flow/session-rhythm';
export { enoughEvidenceToEnter, type EntryEvidence } from './flow/entry-evidence';
export { createOnnxFlowModel, shippedFlowModelBytes, decodeBase64 } from './flow/onnx-model';
export type { OnnxFlowModel, OnnxRuntimeOptions } from './flow/onnx-model';

// Flow engine: personal baseline
export {
  POPULATION_BASELINE,
  BASELINE_SCALE_LIMITS,
  personalScale,
} from './flow/personal-baseline';
export type { PersonalBaseline } from './flow/personal-baseline';
export { computeBaseline, BASELINE_MINIMUMS } from './flow/compute-baseline';

// Flow engine: detector
export { ACTIVITY_ENTRY_MS, FlowDetector } from './flow/flow-detector';
export type { FlowDetectorOptions } from './flow/flow-detector';
export { updateWithAsyncModel } from './flow/async-update';
export {
  DEFAULT_DETECTOR_CONFIG,
  MIN_EVIDENCE_MS,
  resolveDetectorConfig,
} from './flow/detector-config';
export type { FlowDetectorConfig } from './flow/detector-config';
export { flowDetectorSnapshotSchema, parseDetectorSnapshot } from './flow/detector-snapshot';
export type { FlowDetectorSnapshot } from './flow/detector-snapshot';
export { RingBuffer } from './flow/ring-buffer';
export { toFlowStateResultWire } from './flow/flow-result';
export type { FlowStateResult, FlowStateResultWire } from './flow/flow-result';
export { FLOW_PERIOD_END_REASONS, toFlowPeriodWire } from './flow/flow-period';
export type { FlowPeriod, FlowPeriodWire, FlowPeriodEndReason } from './flow/flow-period';
export {
  RECOMMENDATIONS,
  RECOMMENDATION_TRIGGERS,
  generateRecommendations,
} from './flow/recommendations';
export type { RecommendationContext } from './flow/recommendations';

// Sessions, patterns, insights
export {
  sessionActivityUpdateSchema,
  parseSessionActivityUpdate,
  fromSessionActivityWire,
  hasActivity,
} from './flow/session-activity';
export type { SessionActivityUpdate, SessionActivityUpdateWire } from './flow/session-activity';
export { summarizeSession, activityToFlowInput } from './flow/session-summary';
/**
 * The session summary as a pure incremental fold, shared by `summarizeSession` (batch), the SDK's
 * running summary and the server's REST sessions: {@link startAccumulator} (optionally from a
 * {@link seedFromColumns} seed), {@link accumulate} per update, {@link summaryColumns} to read.
 */
export {
  startAccumulator,
  accumulate,
  summaryColumns,
  seedFromColumns,
  interruptionCount,
  DEFAULT_SUMMARY_LIMITS,
  IDLE_THRESHOLD_MS,
  MAX_ERROR_RATE,
  UNKNOWN_LANGUAGE,
} from './flow/session-accumulator';
export type {
  SessionAccumulator,
  AccumulatorSeed,
  AccumulateOptions,
  SummaryLimits,
  SessionMetricColumns,
  StoredSessionColumns,
} from './flow/session-accumulator';
export type { SessionSummary, SessionSummaryInput } from './flow/session-summary';
export {
  computePersonalPatterns,
  PATTERN_MINIMUMS,
  PATTERN_HISTORY,
  SESSION_LENGTH_BUCKET_MS,
  PEAK_SHARE,
} from './flow/personal-patterns';
export type { PersonalPatterns, SessionHistoryEntry } from './flow/personal-patterns';
export { generateInsights, insightsFromPatterns, INSIGHT_TYPES } from './flow/insights';
export type { InsightType, UserInsight } from './flow/insights';
export { hourOfWeek, isoDate, HOURS_PER_WEEK } from './flow/time-buckets';
export { median, quantile, sampleConfidence } from './flow/descriptive-stats';

// Daily totals: one definition for the SDK's on-device queries and the server's summaries
export {
  dailyTotals,
  combineDailyTotals,
  storedTimeMs,
  type DailyTotals,
  type DailyTotalsSession,
  type DailyTotalsFlowPeriod,
  type SecondsBreakdown,
  type StoredTime,
} from './summaries/daily-totals';
export {
  dayWindows,
  localDate,
  addDaysToDate,
  fixedZoneOffset,
  intlZoneOffset,
  DayRangeError,
  MAX_DAY_WINDOWS,
  type DayWindow,
  type ZoneOffsetAt,
} from './summaries/day-windows';
export { hourOfWeekFlowSeconds } from './summaries/hour-of-week-flow';
