import { Router, type Request } from 'express';
import { currentUser } from '../auth/current-user';
import type { TeamService } from './team-service';

/**
 * `/api/teams/invitations`: the invitee's side of team invitations — list
 * the ones to my address, accept, decline. On any tier: joining was never
 * gated on the invitee's tier, and declining is a way out. Someone else's
 * invitation is 404, like an unknown one.
 */
export function invitationRoutes(service: TeamService): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json(await service.myInvitations(currentUser(res).id));
  });

  router.post('/:invitationId/accept', async (req: Request<{ invitationId: string }>, res) => {
    res.json(await service.acceptInvitation(currentUser(res).id, req.params.invitationId));
  });

  router.post('/:invitationId/decline', async (req: Request<{ invitationId: string }>, res) => {
    await service.declineInvitation(currentUser(res).id, req.params.invitationId);
    res.status(204).end();
  });

  return router;
}
