import type pg from 'pg';
import { forbidden, notFound, paymentRequired } from '../errors/domain-error';

/** Roles a team member can hold. */
export const TEAM_ROLES = ['member', 'admin'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Tiers that include the team features (API.md: premium or team). */
const TEAM_TIERS = new Set(['premium', 'team']);

/** The caller's membership of a team, once the tier and membership checks passed. */
export interface Membership {
  teamId: string;
  userId: string;
  role: TeamRole;
  dataSharingConsent: boolean;
  individualAlertsOptIn: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in its canonical text form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Throws 402 unless the user's tier includes teams. The tier is read from the
 * store, not the session, so an upgrade or downgrade applies at once.
 */
export async function requireTeamTier(db: pg.Pool | pg.ClientBase, userId: string): Promise<void> {
  const { rows } = await db.query<{ subscription_tier: string }>(
    'SELECT subscription_tier FROM users WHERE id = $1',
    [userId],
  );
  const tier = rows[0]?.subscription_tier ?? 'free';
  if (!TEAM_TIERS.has(tier)) {
    throw paymentRequired(
      `Teams need the premium or team subscription tier; this account is on the ${tier} tier. ` +
        'Upgrade the account to create or use teams.',
    );
  }
}

/**
 * The caller's membership of `teamId`. A bad id, an unknown team and a team
 * the caller is not in all get the same 404, so ids reveal nothing.
 */
export async function requireMembership(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  userId: string,
): Promise<Membership> {
  const hidden = notFound('No such team');
  if (!isUuid(teamId)) throw hidden;
  const { rows } = await db.query<{
    role: TeamRole;
    data_sharing_consent: boolean;
    individual_alerts_opt_in: boolean;
  }>(
    `SELECT role, data_sharing_consent, individual_alerts_opt_in
     FROM team_members WHERE team_id = $1 AND user_id = $2`,
    [teamId, userId],
  );
  const row = rows[0];
  if (!row) throw hidden;
  return {
    teamId,
    userId,
    role: row.role,
    dataSharingConsent: row.data_sharing_consent,
    individualAlertsOptIn: row.individual_alerts_opt_in,
  };
}

/**
 * Whether a consent request turns on something the member has not already
 * given. Only that needs the team tier: withdrawing (consent or the
 * individual-alert opt-in) works on any tier, so a downgraded member is never
 * stuck sharing.
 */
export function grantsConsent(
  membership: Membership,
  request: { dataSharingConsent: boolean; individualAlertsOptIn?: boolean },
): boolean {
  return (
    (request.dataSharingConsent && !membership.dataSharingConsent) ||
    (request.individualAlertsOptIn === true && !membership.individualAlertsOptIn)
  );
}

/** Throws 403 unless the membership is an admin's. */
export function requireAdmin(membership: Membership, action: string): void {
  if (membership.role !== 'admin') {
    throw forbidden(`Only a team admin can ${action}; ask an admin of this team.`);
  }
}
