import { z } from 'zod';

/**
 * Per-user caps, so one account (or one stolen token) cannot take the
 * capacity every other user shares. Each is an environment variable with a
 * default; README's configuration table and `docs/threat-model.md` list them.
 */
export const USER_LIMITS_ENV = {
  /** `POST /api/flow/detect` detectors one user may hold (one per session_id); their oldest goes first. */
  FLOW_DETECTORS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Detectors held for all users together; the least recently active user loses their oldest first. */
  FLOW_DETECTORS_MAX: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /** Sync sockets one user may hold open on one instance; the next is closed with 4429. */
  SYNC_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Bytes one user's sockets may send together per window (a token bucket); then 4429. */
  SYNC_USER_WRITE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  SYNC_USER_WRITE_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Largest a user's document may grow (its log since the last compaction); then 4413 / 413. */
  SYNC_MAX_DOCUMENT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
};

/** The validated per-user caps. */
export interface UserLimits {
  flowDetectorsPerUser: number;
  flowDetectorsMax: number;
  syncMaxConnectionsPerUser: number;
  syncUserWriteBytes: number;
  syncUserWriteWindowMs: number;
  syncMaxDocumentBytes: number;
}

type LimitsEnv = { [K in keyof typeof USER_LIMITS_ENV]: z.infer<(typeof USER_LIMITS_ENV)[K]> };

/** Maps the parsed environment to {@link UserLimits}. */
export function userLimitsFrom(env: LimitsEnv): UserLimits {
  return {
    flowDetectorsPerUser: env.FLOW_DETECTORS_PER_USER,
    flowDetectorsMax: env.FLOW_DETECTORS_MAX,
    syncMaxConnectionsPerUser: env.SYNC_MAX_CONNECTIONS_PER_USER,
    syncUserWriteBytes: env.SYNC_USER_WRITE_BYTES,
    syncUserWriteWindowMs: env.SYNC_USER_WRITE_WINDOW_S * 1000,
    syncMaxDocumentBytes: env.SYNC_MAX_DOCUMENT_BYTES,
  };
}
