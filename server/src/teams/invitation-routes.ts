import { Router, type Request } from 'express';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { inTransaction } from '../db/database';
import { acceptInvitation, declineInvitation, invitationsFor } from './team-invitations';

/**
 * `/api/teams/invitations`: the invitee's side of team invitations — list
 * the ones to my address, accept, decline. On any tier: joining was never
 * gated on the invitee's tier, and declining is a way out. Someone else's
 * invitation is 404, like an unknown one.
 */
export function invitationRoutes(ctx: AppContext): Router {
  const router = Router();
  const pool = ctx.db.pool;

  router.get('/', async (_req, res) => {
    res.json({ invitations: await invitationsFor(pool, currentUser(res).id) });
  });

  router.post('/:invitationId/accept', async (req: Request<{ invitationId: string }>, res) => {
    const joined = await inTransaction(pool, (client) =>
      acceptInvitation(client, req.params.invitationId, currentUser(res).id),
    );
    res.json(joined);
  });

  router.post('/:invitationId/decline', async (req: Request<{ invitationId: string }>, res) => {
    await declineInvitation(pool, req.params.invitationId, currentUser(res).id);
    res.status(204).end();
  });

  return router;
}
