import type { RequestHandler, Response } from 'express';
import { fromNodeHeaders } from 'better-auth/node';
import type { SubscriptionTier } from '../config/config';
import { unauthorized } from '../http/errors';
import type { Auth } from './auth';

/** The signed-in user a request acts for. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  subscriptionTier: SubscriptionTier;
  timezone: string;
}

/** Resolves a session from request headers (bearer token or cookie); null when there is none. */
export async function userFromHeaders(
  auth: Auth,
  headers: Headers,
): Promise<AuthenticatedUser | null> {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const user = session.user as typeof session.user & {
    subscriptionTier?: string;
    timezone?: string;
  };
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    subscriptionTier: (user.subscriptionTier ?? 'free') as SubscriptionTier,
    timezone: user.timezone ?? 'UTC',
  };
}

/** Resolves a bare bearer token (the sync socket's `?token=`). */
export function userFromToken(auth: Auth, token: string): Promise<AuthenticatedUser | null> {
  return userFromHeaders(auth, new Headers({ authorization: `Bearer ${token}` }));
}

/** Rejects the request with 401 unless it carries a valid session; the user lands in `res.locals.user`. */
export function requireUser(auth: Auth): RequestHandler {
  return async (req, res, next) => {
    const user = await userFromHeaders(auth, fromNodeHeaders(req.headers));
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
