import type { RequestHandler, Response } from 'express';
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

/** Gives an auth instance its verified-token cache (see {@link SessionCache}). */
export function attachSessionCache(auth: Auth, ttlMs: number): void {
  caches.set(auth, new SessionCache<AuthenticatedUser>(ttlMs));
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
  const cached = cachedUser(auth, bearer);
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
      cachedUser(auth, req.headers.authorization) ??
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
