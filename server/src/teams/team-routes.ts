import { Router, type Request, type Response } from 'express';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { inTransaction } from '../db/database';
import { notFound } from '../errors/domain-error';
import { parseInput } from '../errors/parse-input';
import { listAlerts } from './burnout/alert-store';
import { runTeamBurnoutCheck, weekEndingOn } from './burnout/run-team-check';
import { saveTeamThresholds } from './burnout/team-thresholds';
import {
  grantsConsent,
  isUuid,
  requireAdmin,
  requireMembership,
  requireTeamTier,
  type Membership,
} from './team-access';
import { teamSuggestions } from './team-insights';
import { readDailyMetrics, readHourlyMetrics } from './team-queries';
import {
  addMemberBody,
  consentBody,
  createTeamBody,
  dateRangeQuery,
  listAlertsQuery,
  memberRoleBody,
  runAlertsBody,
  teamSettingsBody,
} from './team-schemas';
import { invitationRoutes } from './invitation-routes';
import { takeInvitationQuota } from './invitation-quota';
import { inviteToTeam, pendingInvitationsOf, revokeInvitation } from './team-invitations';
import {
  createTeam,
  removeMember,
  setConsent,
  setMemberRole,
  teamsOf,
  teamView,
} from './team-store';

/** Path parameters of the team routes (`:id`, and `:userId` where the path has it). */
type TeamParams = Record<string, string>;

/** Days analytics and insights cover when the query names no range. */
const DEFAULT_ANALYTICS_DAYS = 30;
const DEFAULT_INSIGHT_DAYS = 28;
/** Past alerts the analytics response carries as burnout indicators. */
const INDICATOR_ALERTS = 20;

/**
 * `/api/teams`: membership, consent, aggregates of consenting members,
 * burnout alerts and insights. Every route needs the premium or team tier
 * (402) except the ways out, which a downgraded member must keep: listing
 * one's teams, withdrawing consent or the individual-alert opt-in, and
 * leaving. A team the caller is not in is 404, an admin action by a member 403.
 */
export function teamRoutes(ctx: AppContext, today: () => Date = () => new Date()): Router {
  const router = Router();
  const pool = ctx.db.pool;
  const minGroup = ctx.config.teamMinGroupSize;

  /** Wraps a handler of a route that needs the team tier: 402 before anything else. */
  const paid =
    (handler: (req: Request<TeamParams>, res: Response) => Promise<void>) =>
    async (req: Request<TeamParams>, res: Response): Promise<void> => {
      await requireTeamTier(pool, currentUser(res).id);
      await handler(req, res);
    };

  const member = (teamId: string, res: Response): Promise<Membership> =>
    requireMembership(pool, teamId, currentUser(res).id);

  // Before `/:id`: the invitee's side (list, accept, decline), on any tier.
  router.use('/invitations', invitationRoutes(ctx));

  router.post(
    '/',
    paid(async (req, res) => {
      const body = parseInput(createTeamBody, req.body);
      const team = await inTransaction(pool, (client) =>
        createTeam(client, currentUser(res).id, body.name),
      );
      res.status(201).json(team);
    }),
  );

  // Ungated: a member below the tier still needs to find the teams to leave.
  router.get('/', async (_req, res) => {
    res.json({ teams: await teamsOf(pool, currentUser(res).id) });
  });

  router.get(
    '/:id',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      const team = await teamView(pool, membership.teamId, membership.role === 'admin');
      res.json({
        ...team,
        role: membership.role,
        data_sharing_consent: membership.dataSharingConsent,
      });
    }),
  );

  router.put(
    '/:id/settings',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      requireAdmin(membership, 'change the team settings');
      const body = parseInput(teamSettingsBody, req.body);
      const saved = await inTransaction(pool, (client) =>
        saveTeamThresholds(client, membership.teamId, body.burnout_thresholds),
      );
      res.json({ settings: { burnout_thresholds: saved } });
    }),
  );

  // Adding by email invites: the invitee accepts or declines. The answer is
  // the same whether or not an account uses the address.
  router.post(
    '/:id/members',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      requireAdmin(membership, 'invite members');
      const body = parseInput(addMemberBody, req.body);
      await takeInvitationQuota(pool, membership.userId, ctx.config.teamInviteRateLimit);
      const invitation = await inTransaction(pool, (client) =>
        inviteToTeam(client, membership.teamId, membership.userId, body.email, body.role),
      );
      res.status(201).json(invitation);
    }),
  );

  router.get(
    '/:id/invitations',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      requireAdmin(membership, 'see the team’s invitations');
      res.json({ invitations: await pendingInvitationsOf(pool, membership.teamId) });
    }),
  );

  router.delete(
    '/:id/invitations/:invitationId',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      requireAdmin(membership, 'withdraw invitations');
      await revokeInvitation(pool, membership.teamId, req.params.invitationId);
      res.status(204).end();
    }),
  );

  router.put('/:id/consent', async (req, res) => {
    // Always the caller's own membership: there is no way to name someone else.
    const membership = await member(req.params.id, res);
    const body = parseInput(consentBody, req.body);
    const choice = {
      dataSharingConsent: body.data_sharing_consent,
      individualAlertsOptIn: body.individual_alerts_opt_in,
    };
    if (grantsConsent(membership, choice)) await requireTeamTier(pool, membership.userId);
    const updated = await inTransaction(pool, (client) =>
      setConsent(client, membership.teamId, membership.userId, choice),
    );
    res.json(updated);
  });

  router.delete('/:id/members/:userId', async (req, res) => {
    const target = req.params.userId;
    const self = target === currentUser(res).id;
    // Leaving is free; removing someone else is administration, which is paid.
    if (!self) await requireTeamTier(pool, currentUser(res).id);
    const membership = await member(req.params.id, res);
    if (!self) requireAdmin(membership, 'remove other members');
    if (!isUuid(target)) throw notFound('No such member');
    await inTransaction(pool, (client) => removeMember(client, membership.teamId, target));
    res.status(204).end();
  });

  router.put(
    '/:id/members/:userId',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      requireAdmin(membership, 'change member roles');
      const target = req.params.userId;
      if (!isUuid(target)) throw notFound('No such member');
      const body = parseInput(memberRoleBody, req.body);
      const updated = await inTransaction(pool, (client) =>
        setMemberRole(client, membership.teamId, target, body.role),
      );
      res.json(updated);
    }),
  );

  router.get(
    '/:id/analytics',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      const range = parseInput(dateRangeQuery(DEFAULT_ANALYTICS_DAYS, today), req.query, 'query');
      const daily = await readDailyMetrics(pool, membership.teamId, range, minGroup);
      const hourly = await readHourlyMetrics(pool, membership.teamId, range, minGroup);
      const alerts = await listAlerts(pool, membership.teamId, INDICATOR_ALERTS);
      res.json({
        daily_metrics: daily,
        burnout_indicators: alerts.filter(
          (a) => a.week_end >= range.start && a.week_start <= range.end,
        ),
        optimization_suggestions: teamSuggestions(daily, hourly),
      });
    }),
  );

  router.get(
    '/:id/insights',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      const range = parseInput(dateRangeQuery(DEFAULT_INSIGHT_DAYS, today), req.query, 'query');
      const daily = await readDailyMetrics(pool, membership.teamId, range, minGroup);
      const hourly = await readHourlyMetrics(pool, membership.teamId, range, minGroup);
      res.json({ suggestions: teamSuggestions(daily, hourly), range });
    }),
  );

  router.post(
    '/:id/alerts',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      requireAdmin(membership, 'run burnout detection');
      const body = parseInput(runAlertsBody, req.body ?? {});
      const week = body.week_start ? { start: body.week_start } : weekEndingOn(today());
      const result = await inTransaction(pool, (client) =>
        runTeamBurnoutCheck(client, membership.teamId, week, minGroup, body.thresholds),
      );
      res.json(result);
    }),
  );

  router.get(
    '/:id/alerts',
    paid(async (req, res) => {
      const membership = await member(req.params.id, res);
      const query = parseInput(listAlertsQuery, req.query, 'query');
      res.json({ alerts: await listAlerts(pool, membership.teamId, query.limit) });
    }),
  );

  return router;
}
