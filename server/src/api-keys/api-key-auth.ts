import type { RequestHandler } from 'express';
import { userFromHeaders } from '../auth/current-user';
import type { Auth } from '../auth/auth';
import { HttpError } from '../http/errors';
import { unauthorized } from '../errors/domain-error';
import { TokenBucket } from '../sync/rate-limiter';
import { presentedApiKey } from './api-key-format';
import type { ApiKeyStore } from './api-key-store';

/** Requests one API key may make: a burst, then a steady rate (per instance). */
export interface ApiKeyRateLimit {
  burst: number;
  perSecond: number;
}

/**
 * wakatime-cli sends a bulk every few seconds, more when it empties its offline
 * queue (bulks of 25 back to back): 300 at once, then 10 a second.
 */
export const DEFAULT_API_KEY_RATE_LIMIT: ApiKeyRateLimit = { burst: 300, perSecond: 10 };

const MAX_BUCKETS = 50_000;

/**
 * Accepts an API key the ways WakaTime clients send it (see
 * {@link presentedApiKey}), or else a signed-in session (bearer token or
 * cookie), so the dashboard can read the same routes. The user lands in
 * `res.locals.user`, like `requireUser`. Requests made with a key are
 * rate-limited per key (429 with `retry-after`).
 */
export function requireKeyOrUser(
  auth: Auth,
  keys: ApiKeyStore,
  limit: ApiKeyRateLimit = DEFAULT_API_KEY_RATE_LIMIT,
): RequestHandler {
  const buckets = new Map<string, TokenBucket>();
  return async (req, res, next) => {
    const presented = presentedApiKey(req.headers.authorization, req.query);
    if (presented && 'key' in presented) {
      const found = await keys.verify(presented.key);
      if (!found) throw unauthorized('Unknown or revoked API key');
      const now = Date.now();
      let bucket = buckets.get(found.keyId);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) buckets.clear();
        bucket = new TokenBucket(limit.burst, limit.perSecond, now);
        buckets.set(found.keyId, bucket);
      }
      if (!bucket.take(now)) {
        res.setHeader('retry-after', String(Math.ceil(1 / limit.perSecond)));
        throw new HttpError(429, 'rate_limited', 'Too many requests with this API key; slow down');
      }
      res.locals.user = found.user;
      next();
      return;
    }
    const headers = new Headers();
    for (const name of ['authorization', 'cookie'] as const) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    const user = await userFromHeaders(auth, headers);
    if (!user) {
      throw unauthorized(
        'Send an API key (Authorization: Basic base64(key), Bearer key, or ?api_key=) or sign in',
      );
    }
    res.locals.user = user;
    next();
  };
}
