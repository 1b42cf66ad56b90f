import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import type { RouteDoc } from '../openapi/route-doc';
import { ianaTimeZone } from '@mindful/shared';
import { SUBSCRIPTION_TIERS } from '../config/config';
import { parseInput } from '../errors/parse-input';
import { currentUser, sessionCacheOf, type AuthenticatedUser } from './current-user';

/** `PUT /api/me/timezone` body. */
export const timezoneBody = z.object({ timezone: ianaTimeZone });

/** `GET /api/me` answer. */
export const meSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    email: z.string(),
    name: z.string(),
    subscription_tier: z.enum(SUBSCRIPTION_TIERS),
    timezone: z.string().meta({ description: 'IANA time zone; UTC until set' }),
  })
  .meta({ id: 'Me' });

function meView(user: AuthenticatedUser): z.infer<typeof meSchema> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    subscription_tier: user.subscriptionTier,
    timezone: user.timezone,
  };
}

/** `/api/me`: the signed-in account. */
export function meRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(meView(currentUser(res)));
  });
  // The zone decides local hours and days (patterns, insights, history days, team after-hours).
  router.put('/timezone', async (req, res) => {
    const user = currentUser(res);
    const { timezone } = parseInput(timezoneBody, req.body);
    await ctx.db.pool.query('UPDATE users SET timezone = $2, updated_at = NOW() WHERE id = $1', [
      user.id,
      timezone,
    ]);
    // Cached sessions carry the old zone; peak hours are read in it.
    sessionCacheOf(ctx.auth)?.forgetUser(user.id);
    ctx.baselines.forget(user.id);
    res.json(meView({ ...user, timezone }));
  });
  return router;
}

/** Documentation of {@link meRoutes}. */
export const meRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/',
    summary: 'The signed-in account',
    responses: { 200: { description: 'You', schema: meSchema } },
  },
  {
    method: 'put',
    path: '/timezone',
    summary: 'Set your time zone (IANA name)',
    description:
      'Local hours and days of your patterns, insights, history days and team after-hours are read in it. UTC until set.',
    body: timezoneBody,
    responses: { 200: { description: 'You, with the new zone', schema: meSchema } },
  },
];
