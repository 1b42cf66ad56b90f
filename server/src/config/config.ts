import { z } from 'zod';
import { USER_LIMITS_ENV, userLimitsFrom, type UserLimits } from './user-limits';

/** Subscription tiers, lowest first. */
export const SUBSCRIPTION_TIERS = ['free', 'premium', 'team'] as const;
export type SubscriptionTier = (typeof SUBSCRIPTION_TIERS)[number];

/** The environment did not describe a server that can start. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const hexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.mindful/data'),
  ENCRYPTION_KEY: hexKey.optional(),
  /** Retired keys, comma-separated hex, still used to decrypt values written under them. */
  ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .regex(/^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/, 'must be hex64[,hex64…]')
    .optional(),
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  BASE_URL: z
    .string()
    .url('must be an absolute URL such as https://mindful.example.com')
    .optional(),
  TRUSTED_ORIGINS: z.string().optional(),
  DEFAULT_SUBSCRIPTION_TIER: z.enum(SUBSCRIPTION_TIERS).default('free'),
  TEAM_MIN_GROUP_SIZE: z.coerce.number().int().min(1).max(1000).default(3),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: pretty on a terminal in development, JSON otherwise (log/logger.ts). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
  AUTH_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
  AUTH_SESSION_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ...USER_LIMITS_ENV,
  TEAM_INVITE_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(30),
  TEAM_INVITE_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(3600),
});

/** Everything the server reads from its environment, validated. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Present in production; in development generated into DATA_DIR when absent. */
  encryptionKeyHex: string | undefined;
  previousEncryptionKeysHex: string[];
  authSecret: string | undefined;
  baseUrl: string | undefined;
  trustedOrigins: string[];
  defaultSubscriptionTier: SubscriptionTier;
  teamMinGroupSize: number;
  logLevel: string;
  logFormat: 'json' | 'pretty' | undefined;
  authRateLimit: { max: number; windowSeconds: number };
  /** How long a verified bearer token is remembered (0: verify every request). */
  authSessionCacheMs: number;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Per-user caps (`user-limits.ts`). */
  limits: UserLimits;
  /** Team invitations one user may send per window (counted in the database). */
  teamInviteRateLimit: { max: number; windowSeconds: number };
}

/**
 * Validates the environment. Throws a {@link ConfigError} naming every bad
 * variable, so the operator fixes them all in one go.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Read from the raw values, so these are reported beside any malformed variable.
  if (cleaned.NODE_ENV === 'production') {
    if (!cleaned.ENCRYPTION_KEY) {
      problems.push('ENCRYPTION_KEY: required when NODE_ENV=production (64 hex characters)');
    }
    if (!cleaned.BETTER_AUTH_SECRET && !cleaned.JWT_SECRET) {
      problems.push('BETTER_AUTH_SECRET: required when NODE_ENV=production (32+ characters)');
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const authSecret = e.BETTER_AUTH_SECRET ?? e.JWT_SECRET;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    encryptionKeyHex: e.ENCRYPTION_KEY?.toLowerCase(),
    previousEncryptionKeysHex: (e.ENCRYPTION_KEYS_PREVIOUS ?? '')
      .split(',')
      .filter(Boolean)
      .map((hex) => hex.toLowerCase()),
    authSecret,
    baseUrl: e.BASE_URL,
    trustedOrigins: (e.TRUSTED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    defaultSubscriptionTier: e.DEFAULT_SUBSCRIPTION_TIER,
    teamMinGroupSize: e.TEAM_MIN_GROUP_SIZE,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    authRateLimit: { max: e.AUTH_RATE_LIMIT_MAX, windowSeconds: e.AUTH_RATE_LIMIT_WINDOW_S },
    authSessionCacheMs: e.AUTH_SESSION_CACHE_MS,
    metricsToken: e.METRICS_TOKEN,
    limits: userLimitsFrom(e),
    teamInviteRateLimit: {
      max: e.TEAM_INVITE_RATE_LIMIT_MAX,
      windowSeconds: e.TEAM_INVITE_RATE_LIMIT_WINDOW_S,
    },
  };
}
