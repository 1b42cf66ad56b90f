import { betterAuth } from 'better-auth';
import { bearer } from 'better-auth/plugins';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ianaTimeZone } from '@mindful/shared';
import type { Config } from '../config/config';
import { refuseWeakPasswords } from './password-hook';

/** The header the server itself sets to the peer's address (clients cannot forge it). */
export const CLIENT_IP_HEADER = 'x-mindful-client-ip';

/**
 * better-auth on the central store. The seed's `users` table is its user model
 * (snake_case columns mapped here); the password hash lives in
 * `auth_accounts.password`. `subscriptionTier` is server-owned: a client can
 * never set it, and new users get `DEFAULT_SUBSCRIPTION_TIER`.
 */
export function createAuth(pool: pg.Pool, config: Config, secret: string, log: Logger) {
  const authRule = { window: config.authRateLimit.windowSeconds, max: config.authRateLimit.max };
  return betterAuth({
    database: pool,
    secret,
    baseURL: config.baseUrl,
    basePath: '/api/auth',
    trustedOrigins: config.trustedOrigins,
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    user: {
      modelName: 'users',
      fields: { emailVerified: 'email_verified', createdAt: 'created_at', updatedAt: 'updated_at' },
      additionalFields: {
        subscriptionTier: {
          type: 'string',
          fieldName: 'subscription_tier',
          input: false,
          required: false,
          defaultValue: config.defaultSubscriptionTier,
        },
        timezone: {
          type: 'string',
          input: true,
          required: false,
          defaultValue: 'UTC',
          validator: { input: ianaTimeZone },
        },
      },
    },
    session: {
      modelName: 'auth_sessions',
      fields: {
        userId: 'user_id',
        expiresAt: 'expires_at',
        ipAddress: 'ip_address',
        userAgent: 'user_agent',
        createdAt: 'created_at',
        updatedAt: 'updated_at',
      },
    },
    account: {
      modelName: 'auth_accounts',
      fields: {
        userId: 'user_id',
        accountId: 'account_id',
        providerId: 'provider_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        createdAt: 'created_at',
        updatedAt: 'updated_at',
      },
    },
    verification: {
      modelName: 'auth_verifications',
      fields: { expiresAt: 'expires_at', createdAt: 'created_at', updatedAt: 'updated_at' },
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      modelName: 'auth_rate_limits',
      fields: { lastRequest: 'last_request' },
      window: 60,
      max: 300,
      customRules: { '/sign-in/email': authRule, '/sign-up/email': authRule },
    },
    advanced: {
      database: { generateId: 'uuid' },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    // Common and trivially weak passwords are refused offline (zxcvbn-ts).
    hooks: { before: refuseWeakPasswords },
    telemetry: { enabled: false },
    logger: {
      level: 'warn',
      log: (level, message) =>
        // Deriving the origin from each request is this server's documented
        // behaviour when BASE_URL is unset, not a misconfiguration.
        message.includes('Base URL is not set')
          ? log.debug(
              { component: 'better-auth' },
              'BASE_URL unset: origin derived from each request',
            )
          : log[level]({ component: 'better-auth' }, message),
    },
    plugins: [bearer()],
  });
}

/** The better-auth instance the server runs. */
export type Auth = ReturnType<typeof createAuth>;
