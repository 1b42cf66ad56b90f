import type pg from 'pg';
import type { AppContext } from '../context';
import { inTransaction } from '../db/database';
import { notFound } from '../errors/domain-error';
import { parseInput } from '../errors/parse-input';
import { listAlerts } from './burnout/alert-store';
import { runTeamBurnoutCheck, weekEndingOn } from './burnout/run-team-check';
import { saveTeamThresholds } from './burnout/team-thresholds';
import { takeInvitationQuota } from './invitation-quota';
import {
  grantsConsent,
  isUuid,
  requireAdmin,
  requireMembership,
  requireTeamTier,
  type Membership,
} from './team-access';
import { teamSuggestions } from './team-insights';
import {
  acceptInvitation,
  declineInvitation,
  invitationsFor,
  inviteToTeam,
  pendingInvitationsOf,
  revokeInvitation,
} from './team-invitations';
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
import {
  createTeam,
  removeMember,
  setConsent,
  setMemberRole,
  teamsOf,
  teamView,
} from './team-store';

/** Days analytics and insights cover when the query names no range. */
const DEFAULT_ANALYTICS_DAYS = 30;
const DEFAULT_INSIGHT_DAYS = 28;
/** Past alerts the analytics response carries as burnout indicators. */
const INDICATOR_ALERTS = 20;

/**
 * The team rules behind `/api/teams`: who may do what (tier, membership,
 * admin), input validation, and the transactions around the stores. Every
 * method takes the caller's id and untrusted input and returns what the
 * route answers. Refusals are domain errors: 402 below the tier, 404 for a
 * team the caller is not in, 403 for an admin action by a member.
 */
export class TeamService {
  private readonly pool: pg.Pool;
  private readonly minGroup: number;

  constructor(
    private readonly ctx: AppContext,
    private readonly today: () => Date = () => new Date(),
  ) {
    this.pool = ctx.db.pool;
    this.minGroup = ctx.config.teamMinGroupSize;
  }

  /** 402 unless the caller's tier includes teams. */
  requireTier(userId: string): Promise<void> {
    return requireTeamTier(this.pool, userId);
  }

  async create(userId: string, body: unknown) {
    const { name } = parseInput(createTeamBody, body);
    return inTransaction(this.pool, (client) => createTeam(client, userId, name));
  }

  async list(userId: string) {
    return { teams: await teamsOf(this.pool, userId) };
  }

  async view(userId: string, teamId: string) {
    const membership = await this.member(teamId, userId);
    const team = await teamView(this.pool, membership.teamId, membership.role === 'admin');
    return { ...team, role: membership.role, data_sharing_consent: membership.dataSharingConsent };
  }

  async saveSettings(userId: string, teamId: string, body: unknown) {
    const membership = await this.member(teamId, userId);
    requireAdmin(membership, 'change the team settings');
    const { burnout_thresholds } = parseInput(teamSettingsBody, body);
    const saved = await inTransaction(this.pool, (client) =>
      saveTeamThresholds(client, membership.teamId, burnout_thresholds),
    );
    return { settings: { burnout_thresholds: saved } };
  }

  /** Adding by email invites; the answer is the same whether or not an account uses the address. */
  async invite(userId: string, teamId: string, body: unknown) {
    const membership = await this.member(teamId, userId);
    requireAdmin(membership, 'invite members');
    const { email, role } = parseInput(addMemberBody, body);
    await takeInvitationQuota(this.pool, membership.userId, this.ctx.config.teamInviteRateLimit);
    return inTransaction(this.pool, (client) =>
      inviteToTeam(client, membership.teamId, membership.userId, email, role),
    );
  }

  async pendingInvitations(userId: string, teamId: string) {
    const membership = await this.member(teamId, userId);
    requireAdmin(membership, 'see the team’s invitations');
    return { invitations: await pendingInvitationsOf(this.pool, membership.teamId) };
  }

  async revokeInvitation(userId: string, teamId: string, invitationId: string): Promise<void> {
    const membership = await this.member(teamId, userId);
    requireAdmin(membership, 'withdraw invitations');
    await revokeInvitation(this.pool, membership.teamId, invitationId);
  }

  /** The invitee's side, on any tier. */
  async myInvitations(userId: string) {
    return { invitations: await invitationsFor(this.pool, userId) };
  }

  acceptInvitation(userId: string, invitationId: string) {
    return inTransaction(this.pool, (client) => acceptInvitation(client, invitationId, userId));
  }

  declineInvitation(userId: string, invitationId: string): Promise<void> {
    return declineInvitation(this.pool, invitationId, userId);
  }

  /** Always the caller's own membership: there is no way to name someone else. */
  async setConsent(userId: string, teamId: string, body: unknown) {
    const membership = await this.member(teamId, userId);
    const parsed = parseInput(consentBody, body);
    const choice = {
      dataSharingConsent: parsed.data_sharing_consent,
      individualAlertsOptIn: parsed.individual_alerts_opt_in,
    };
    if (grantsConsent(membership, choice)) await requireTeamTier(this.pool, membership.userId);
    return inTransaction(this.pool, (client) =>
      setConsent(client, membership.teamId, membership.userId, choice),
    );
  }

  /** Leaving is free; removing someone else is administration, which is paid. */
  async removeMember(userId: string, teamId: string, target: string): Promise<void> {
    const self = target === userId;
    if (!self) await requireTeamTier(this.pool, userId);
    const membership = await this.member(teamId, userId);
    if (!self) requireAdmin(membership, 'remove other members');
    if (!isUuid(target)) throw notFound('No such member');
    await inTransaction(this.pool, (client) => removeMember(client, membership.teamId, target));
  }

  async setMemberRole(userId: string, teamId: string, target: string, body: unknown) {
    const membership = await this.member(teamId, userId);
    requireAdmin(membership, 'change member roles');
    if (!isUuid(target)) throw notFound('No such member');
    const { role } = parseInput(memberRoleBody, body);
    return inTransaction(this.pool, (client) =>
      setMemberRole(client, membership.teamId, target, role),
    );
  }

  async analytics(userId: string, teamId: string, query: unknown) {
    const membership = await this.member(teamId, userId);
    const range = parseInput(dateRangeQuery(DEFAULT_ANALYTICS_DAYS, this.today), query, 'query');
    const daily = await readDailyMetrics(this.pool, membership.teamId, range, this.minGroup);
    const hourly = await readHourlyMetrics(this.pool, membership.teamId, range, this.minGroup);
    const alerts = await listAlerts(this.pool, membership.teamId, INDICATOR_ALERTS);
    return {
      daily_metrics: daily,
      burnout_indicators: alerts.filter(
        (a) => a.week_end >= range.start && a.week_start <= range.end,
      ),
      optimization_suggestions: teamSuggestions(daily, hourly),
    };
  }

  async insights(userId: string, teamId: string, query: unknown) {
    const membership = await this.member(teamId, userId);
    const range = parseInput(dateRangeQuery(DEFAULT_INSIGHT_DAYS, this.today), query, 'query');
    const daily = await readDailyMetrics(this.pool, membership.teamId, range, this.minGroup);
    const hourly = await readHourlyMetrics(this.pool, membership.teamId, range, this.minGroup);
    return { suggestions: teamSuggestions(daily, hourly), range };
  }

  async runAlerts(userId: string, teamId: string, body: unknown) {
    const membership = await this.member(teamId, userId);
    requireAdmin(membership, 'run burnout detection');
    const parsed = parseInput(runAlertsBody, body ?? {});
    const week = parsed.week_start ? { start: parsed.week_start } : weekEndingOn(this.today());
    return inTransaction(this.pool, (client) =>
      runTeamBurnoutCheck(client, membership.teamId, week, this.minGroup, parsed.thresholds),
    );
  }

  async alerts(userId: string, teamId: string, query: unknown) {
    const membership = await this.member(teamId, userId);
    const { limit } = parseInput(listAlertsQuery, query, 'query');
    return { alerts: await listAlerts(this.pool, membership.teamId, limit) };
  }

  private member(teamId: string, userId: string): Promise<Membership> {
    return requireMembership(this.pool, teamId, userId);
  }
}
