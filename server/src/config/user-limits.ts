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
};

/** The validated per-user caps. */
export interface UserLimits {
  flowDetectorsPerUser: number;
  flowDetectorsMax: number;
}

type LimitsEnv = { [K in keyof typeof USER_LIMITS_ENV]: z.infer<(typeof USER_LIMITS_ENV)[K]> };

/** Maps the parsed environment to {@link UserLimits}. */
export function userLimitsFrom(env: LimitsEnv): UserLimits {
  return {
    flowDetectorsPerUser: env.FLOW_DETECTORS_PER_USER,
    flowDetectorsMax: env.FLOW_DETECTORS_MAX,
  };
}
