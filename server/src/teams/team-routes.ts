import { Router, type Request, type Response } from 'express';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { invitationRoutes } from './invitation-routes';
import { TeamService } from './team-service';

/** Path parameters of the team routes (`:id`, and `:userId` where the path has it). */
type TeamParams = Record<string, string>;

/**
 * `/api/teams`: membership, consent, aggregates of consenting members,
 * burnout alerts and insights. HTTP only: each route hands the caller and
 * the request to {@link TeamService}, which holds the rules. Every route
 * needs the premium or team tier (402) except the ways out, which a
 * downgraded member must keep: listing one's teams, withdrawing consent or
 * the individual-alert opt-in, and leaving. A team the caller is not in is
 * 404, an admin action by a member 403.
 */
export function teamRoutes(
  ctx: AppContext,
  today: () => Date = () => new Date(),
  service = new TeamService(ctx, today),
): Router {
  const router = Router();
  const me = (res: Response) => currentUser(res).id;

  /** Wraps a handler of a route that needs the team tier: 402 before anything else. */
  const paid =
    (handler: (req: Request<TeamParams>, res: Response) => Promise<void>) =>
    async (req: Request<TeamParams>, res: Response): Promise<void> => {
      await service.requireTier(me(res));
      await handler(req, res);
    };

  // Before `/:id`: the invitee's side (list, accept, decline), on any tier.
  router.use('/invitations', invitationRoutes(service));

  router.post(
    '/',
    paid(async (req, res) => {
      res.status(201).json(await service.create(me(res), req.body));
    }),
  );

  // Ungated: a member below the tier still needs to find the teams to leave.
  router.get('/', async (_req, res) => {
    res.json(await service.list(me(res)));
  });

  router.get(
    '/:id',
    paid(async (req, res) => {
      res.json(await service.view(me(res), req.params.id!));
    }),
  );

  router.put(
    '/:id/settings',
    paid(async (req, res) => {
      res.json(await service.saveSettings(me(res), req.params.id!, req.body));
    }),
  );

  // Adding by email invites: the invitee accepts or declines.
  router.post(
    '/:id/members',
    paid(async (req, res) => {
      res.status(201).json(await service.invite(me(res), req.params.id!, req.body));
    }),
  );

  router.get(
    '/:id/invitations',
    paid(async (req, res) => {
      res.json(await service.pendingInvitations(me(res), req.params.id!));
    }),
  );

  router.delete(
    '/:id/invitations/:invitationId',
    paid(async (req, res) => {
      await service.revokeInvitation(me(res), req.params.id!, req.params.invitationId!);
      res.status(204).end();
    }),
  );

  router.put('/:id/consent', async (req, res) => {
    res.json(await service.setConsent(me(res), req.params.id, req.body));
  });

  router.delete('/:id/members/:userId', async (req, res) => {
    await service.removeMember(me(res), req.params.id, req.params.userId);
    res.status(204).end();
  });

  router.put(
    '/:id/members/:userId',
    paid(async (req, res) => {
      res.json(await service.setMemberRole(me(res), req.params.id!, req.params.userId!, req.body));
    }),
  );

  router.get(
    '/:id/analytics',
    paid(async (req, res) => {
      res.json(await service.analytics(me(res), req.params.id!, req.query));
    }),
  );

  router.get(
    '/:id/insights',
    paid(async (req, res) => {
      res.json(await service.insights(me(res), req.params.id!, req.query));
    }),
  );

  router.post(
    '/:id/alerts',
    paid(async (req, res) => {
      res.json(await service.runAlerts(me(res), req.params.id!, req.body));
    }),
  );

  router.get(
    '/:id/alerts',
    paid(async (req, res) => {
      res.json(await service.alerts(me(res), req.params.id!, req.query));
    }),
  );

  return router;
}
