import type { RequestHandler, Response } from 'express';
import type pg from 'pg';
import { fromNodeHeaders } from 'better-auth/node';
import type { SubscriptionTier } from '../config/config';
import { unauthorized } from '../errors/domain-error';
import type { Auth } from './auth';
import { SessionCache } from './session-cache';

/** The signed-in user a request acts for. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  subscriptionTier: SubscriptionTier;
  timezone: string;
  /** The better-auth session the credentials belong to (open sockets are tied to it). */
  sessionId: string;
}

const caches = new WeakMap<Auth, SessionCache<AuthenticatedUser>>();

/** How an auth instance's stale cache entries are checked again (see {@link renewStale}). */
interface Renewal {
  pool: pg.Pool;
  /** better-auth extends a session once its expiry is this close (expiresIn − updateAge). */
  extendWithinMs: number;
}
const renewals = new WeakMap<Auth, Renewal>();

/** better-auth's defaults: sessions last 7 days and are extended once a day. */
const SESSION_EXPIRES_IN_S = 7 * 24 * 3600;
const SESSION_UPDATE_AGE_S = 24 * 3600;

/**
 * Gives an auth instance its verified-token cache (see {@link SessionCache}),
 * and the pool its stale entries are checked against.
 */
export function attachSessionCache(auth: Auth, ttlMs: number, pool: pg.Pool): void {
  caches.set(auth, new SessionCache<AuthenticatedUser>(ttlMs));
  const session = auth.options.session as { expiresIn?: number; updateAge?: number } | undefined;
  const expiresIn = session?.expiresIn ?? SESSION_EXPIRES_IN_S;
  const updateAge = session?.updateAge ?? SESSION_UPDATE_AGE_S;
  renewals.set(auth, { pool, extendWithinMs: (expiresIn - updateAge) * 1000 });
}

/** The session a stale entry was verified for, still there and unexpired, with its user now. */
const RENEW_SQL = `
  SELECT u.id::text AS id, u.email, u.name, u.subscription_tier, u.timezone, s.expires_at
  FROM auth_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = $1 AND s.expires_at > NOW()`;

/**
 * A bearer credential whose cache entry went stale is checked again in one
 * query: is the session it was verified for still stored and unexpired
 * (sign-out, revocation and a password change delete it), and what does its
 * user look like now. better-auth already verified the credential itself and
 * tied it to that session. Not when better-auth would extend the session on
 * this request (its expiry within expiresIn − updateAge): that goes through
 * better-auth, as does any credential the query does not confirm. At an
 * editor's pace (an update every 30 s, past the cache's 10 s) this replaces
 * better-auth's verification on almost every request.
 */
async function renewStale(auth: Auth, bearer: string): Promise<AuthenticatedUser | undefined> {
  const cache = caches.get(auth);
  const renewal = renewals.get(auth);
  const stale = cache?.stale(bearer);
  if (!cache || !renewal || !stale) return undefined;
  if (stale.expiresAt.getTime() - renewal.extendWithinMs <= Date.now()) return undefined;
  const { rows } = await renewal.pool.query<{
    id: string;
    email: string;
    name: string;
    subscription_tier: SubscriptionTier;
    timezone: string;
    expires_at: Date;
  }>({ name: 'mc_session_renew', text: RENEW_SQL, values: [stale.user.sessionId] });
  const row = rows[0];
  if (!row) {
    cache.forgetCredential(bearer);
    return undefined;
  }
  const user: AuthenticatedUser = {
    id: row.id,
    email: row.email,
    name: row.name,
    subscriptionTier: row.subscription_tier,
    timezone: row.timezone,
    sessionId: stale.user.sessionId,
  };
  cache.set(bearer, user, new Date(row.expires_at));
  return user;
}

/** The auth instance's token cache: sign-out and purge make it forget. */
export function sessionCacheOf(auth: Auth): SessionCache<AuthenticatedUser> | undefined {
  return caches.get(auth);
}

/** Resolves a session from request headers (bearer token or cookie); null when there is none. */
export async function userFromHeaders(
  auth: Auth,
  headers: Headers,
): Promise<AuthenticatedUser | null> {
  const bearer = headers.get('authorization');
  const cached = await knownUser(auth, bearer);
  if (cached) return cached;
  const cache = bearer ? caches.get(auth) : undefined;
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const found = session.user as typeof session.user & {
    subscriptionTier?: string;
    timezone?: string;
  };
  const user: AuthenticatedUser = {
    id: found.id,
    email: found.email,
    name: found.name,
    subscriptionTier: (found.subscriptionTier ?? 'free') as SubscriptionTier,
    timezone: found.timezone ?? 'UTC',
    sessionId: session.session.id,
  };
  if (bearer) cache?.set(bearer, user, new Date(session.session.expiresAt));
  return user;
}

/** The user a bearer credential was verified for: cached, or its stale entry confirmed. */
async function knownUser(
  auth: Auth,
  bearer: string | null | undefined,
): Promise<AuthenticatedUser | undefined> {
  return cachedUser(auth, bearer) ?? (bearer ? await renewStale(auth, bearer) : undefined);
}

/** The user a bearer credential was verified for, while the token cache still holds it. */
function cachedUser(auth: Auth, bearer: string | null | undefined): AuthenticatedUser | undefined {
  return bearer ? caches.get(auth)?.get(bearer) : undefined;
}

/** Resolves a bare bearer token (the sync socket's `?token=`). */
export function userFromToken(auth: Auth, token: string): Promise<AuthenticatedUser | null> {
  return userFromHeaders(auth, new Headers({ authorization: `Bearer ${token}` }));
}

/** Rejects the request with 401 unless it carries a valid session; the user lands in `res.locals.user`. */
export function requireUser(auth: Auth): RequestHandler {
  return async (req, res, next) => {
    // A cached bearer answers without building a fetch Headers copy of the request's.
    const user =
      (await knownUser(auth, req.headers.authorization)) ??
      (await userFromHeaders(auth, fromNodeHeaders(req.headers)));
    if (!user) throw unauthorized();
    res.locals.user = user;
    next();
  };
}

/** The user `requireUser` put on this response. */
export function currentUser(res: Response): AuthenticatedUser {
  const user = res.locals.user as AuthenticatedUser | undefined;
  if (!user) throw unauthorized();
  return user;
}
