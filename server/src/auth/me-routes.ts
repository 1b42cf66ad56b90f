import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import type { RouteDoc } from '../openapi/route-doc';
import { SUBSCRIPTION_TIERS } from '../config/config';
import { currentUser, type AuthenticatedUser } from './current-user';

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
export function meRoutes(_ctx: AppContext): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(meView(currentUser(res)));
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
];
