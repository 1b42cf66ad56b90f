import type pg from 'pg';
import { conflict, notFound } from '../errors/domain-error';
import { sharesWithTeams } from '../privacy/settings-mirror';
import { dropNamedMember, recountTeamAlerts } from './burnout/alert-recount';
import { lockTeamAlerts } from './burnout/team-alert-lock';
import { DEFAULT_BURNOUT_THRESHOLDS, thresholdsToJson } from './burnout/thresholds';
import type { TeamRole } from './team-access';
import { recomputeTeam } from './team-metrics';

/** A team as the API shows it. */
export interface TeamRow {
  id: string;
  name: string;
  owner_id: string;
  settings: Record<string, unknown>;
  created_at: string;
}

/** A membership as the API shows it. */
export interface MemberRow {
  id: string;
  team_id: string;
  user_id: string;
  email: string;
  role: TeamRole;
  data_sharing_consent: boolean;
  individual_alerts_opt_in: boolean;
  joined_at: string;
}

const MEMBER_COLUMNS = `tm.id, tm.team_id, tm.user_id, u.email, tm.role, tm.data_sharing_consent,
  tm.individual_alerts_opt_in, tm.joined_at`;

function iso<T extends { created_at?: unknown; joined_at?: unknown }>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const key of ['created_at', 'joined_at']) {
    if (out[key] instanceof Date) out[key] = (out[key] as Date).toISOString();
  }
  return out as T;
}

/**
 * Creates a team owned by `ownerId`, who becomes its admin. The burnout
 * thresholds start at the published-guidance defaults, stored in settings so
 * an admin sees (and may later change) what alerts compare against.
 */
export async function createTeam(
  client: pg.ClientBase,
  ownerId: string,
  name: string,
): Promise<TeamRow> {
  const settings = { burnout_thresholds: thresholdsToJson(DEFAULT_BURNOUT_THRESHOLDS) };
  const { rows } = await client.query<TeamRow>(
    `INSERT INTO teams (name, owner_id, settings) VALUES ($1, $2, $3)
     RETURNING id, name, owner_id, settings, created_at`,
    [name, ownerId, JSON.stringify(settings)],
  );
  const team = rows[0];
  await client.query(`INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'admin')`, [
    team.id,
    ownerId,
  ]);
  return iso(team);
}

/** One membership row with the member's email. */
export async function getMember(
  client: pg.ClientBase,
  teamId: string,
  userId: string,
): Promise<MemberRow> {
  const { rows } = await client.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM team_members tm JOIN users u ON u.id = tm.user_id
     WHERE tm.team_id = $1 AND tm.user_id = $2`,
    [teamId, userId],
  );
  if (!rows[0]) throw notFound('No such member');
  return iso(rows[0]);
}

/**
 * Sets the member's own consent choices. A change of data-sharing consent
 * recomputes the team's stored aggregates in the same transaction, so a
 * withdrawal removes the member's data from them before the reply; it also
 * deletes the alert rows naming the member and recounts the team's stored
 * alerts without them. Opting out of individual alerts deletes the rows that
 * name them (the counts stay: they only need data-sharing consent).
 */
export async function setConsent(
  client: pg.ClientBase,
  teamId: string,
  userId: string,
  choice: { dataSharingConsent: boolean; individualAlertsOptIn?: boolean },
): Promise<MemberRow> {
  // Users row, then team row, then member row: the order mirrorPrivacySettings and lockTeam use.
  if (choice.dataSharingConsent && !(await sharesWithTeams(client, userId))) {
    throw conflict(
      'Team sharing is off in your privacy settings: set share_with_teams to true before consenting',
    );
  }
  await lockTeamAlerts(client, teamId);
  const before = await client.query<{ data_sharing_consent: boolean }>(
    `SELECT data_sharing_consent FROM team_members WHERE team_id = $1 AND user_id = $2 FOR UPDATE`,
    [teamId, userId],
  );
  await client.query(
    `UPDATE team_members SET data_sharing_consent = $3,
       individual_alerts_opt_in = COALESCE($4, individual_alerts_opt_in)
     WHERE team_id = $1 AND user_id = $2`,
    [teamId, userId, choice.dataSharingConsent, choice.individualAlertsOptIn ?? null],
  );
  const wasSharing = before.rows[0]?.data_sharing_consent;
  if (wasSharing !== choice.dataSharingConsent) await recomputeTeam(client, teamId);
  if (!choice.dataSharingConsent || choice.individualAlertsOptIn === false) {
    await dropNamedMember(client, teamId, userId);
  }
  if (wasSharing && !choice.dataSharingConsent) await recountTeamAlerts(client, teamId);
  return getMember(client, teamId, userId);
}

/** Locks the team row: membership changes of one team run one at a time. */
export async function lockTeam(client: pg.ClientBase, teamId: string): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
  if (rows.length === 0) throw notFound('No such team');
}

/** The team's admins and members (user ids), read under {@link lockTeam}. */
async function rolesOf(
  client: pg.ClientBase,
  teamId: string,
): Promise<{ admins: string[]; members: string[] }> {
  const { rows } = await client.query<{ user_id: string; role: TeamRole }>(
    'SELECT user_id, role FROM team_members WHERE team_id = $1',
    [teamId],
  );
  return {
    admins: rows.filter((row) => row.role === 'admin').map((row) => row.user_id),
    members: rows.map((row) => row.user_id),
  };
}

/**
 * Hands `userId`'s responsibilities over before they leave (a team, or with
 * no `teamId` every team, as a purge does): a team they alone administer gets
 * its longest-standing other member as admin, and a team they own passes to
 * its longest-standing other admin. A team with nobody else is left as is.
 */
export async function handOverTeams(
  client: pg.ClientBase,
  userId: string,
  teamId?: string,
): Promise<void> {
  await client.query(
    `UPDATE team_members SET role = 'admin'
     WHERE id IN (
       SELECT DISTINCT ON (o.team_id) o.id FROM team_members o
       JOIN team_members me ON me.team_id = o.team_id AND me.user_id = $1 AND me.role = 'admin'
       WHERE o.user_id <> $1 AND ($2::uuid IS NULL OR o.team_id = $2)
         AND NOT EXISTS (SELECT 1 FROM team_members a
                         WHERE a.team_id = o.team_id AND a.role = 'admin' AND a.user_id <> $1)
       ORDER BY o.team_id, o.joined_at, o.user_id)`,
    [userId, teamId ?? null],
  );
  await client.query(
    `UPDATE teams t SET owner_id = (
       SELECT m.user_id FROM team_members m
       WHERE m.team_id = t.id AND m.user_id <> $1 AND m.role = 'admin'
       ORDER BY m.joined_at, m.user_id LIMIT 1)
     WHERE t.owner_id = $1 AND ($2::uuid IS NULL OR t.id = $2)
       AND EXISTS (SELECT 1 FROM team_members m
                   WHERE m.team_id = t.id AND m.user_id <> $1 AND m.role = 'admin')`,
    [userId, teamId ?? null],
  );
}

const LAST_ADMIN =
  'A team needs an admin: make another member admin first ' +
  '(PUT /api/teams/:id/members/:user_id with {"role":"admin"}).';

/**
 * Removes a member, deletes the alert rows naming them, and recomputes the
 * team's aggregates and recounts its stored alerts without them; 404 if not
 * a member. The last admin cannot leave while others remain (409); an
 * owner who leaves passes the team to another admin; when the last member
 * leaves, the team goes with them (nobody could reach it).
 */
export async function removeMember(
  client: pg.ClientBase,
  teamId: string,
  userId: string,
): Promise<void> {
  await lockTeam(client, teamId);
  const { admins, members } = await rolesOf(client, teamId);
  if (members.length === 1 && members[0] === userId) {
    await client.query('DELETE FROM teams WHERE id = $1', [teamId]);
    return;
  }
  if (admins.length === 1 && admins[0] === userId) throw conflict(LAST_ADMIN);
  await handOverTeams(client, userId, teamId);
  const { rows } = await client.query<{ data_sharing_consent: boolean }>(
    `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 RETURNING data_sharing_consent`,
    [teamId, userId],
  );
  if (rows.length === 0) throw notFound('No such member');
  await dropNamedMember(client, teamId, userId);
  if (rows[0].data_sharing_consent) {
    await recomputeTeam(client, teamId);
    await recountTeamAlerts(client, teamId);
  }
}

/** Sets a member's role; 404 if not a member, 409 when it would leave the team without an admin. */
export async function setMemberRole(
  client: pg.ClientBase,
  teamId: string,
  userId: string,
  role: TeamRole,
): Promise<MemberRow> {
  await lockTeam(client, teamId);
  const { admins } = await rolesOf(client, teamId);
  if (role !== 'admin' && admins.length === 1 && admins[0] === userId) {
    throw conflict(LAST_ADMIN);
  }
  const { rowCount } = await client.query(
    'UPDATE team_members SET role = $3 WHERE team_id = $1 AND user_id = $2',
    [teamId, userId, role],
  );
  if (rowCount === 0) throw notFound('No such member');
  return getMember(client, teamId, userId);
}

/** The teams `userId` belongs to, with their own role and consent choices, newest first. */
export async function teamsOf(
  db: pg.Pool | pg.ClientBase,
  userId: string,
): Promise<(Omit<TeamRow, 'settings'> & MembershipView)[]> {
  const { rows } = await db.query<Omit<TeamRow, 'settings'> & MembershipView>(
    `SELECT t.id, t.name, t.owner_id, t.created_at, tm.role, tm.data_sharing_consent,
            tm.individual_alerts_opt_in
     FROM team_members tm JOIN teams t ON t.id = tm.team_id
     WHERE tm.user_id = $1 ORDER BY t.created_at DESC, t.id`,
    [userId],
  );
  return rows.map(iso);
}

/** The caller's own standing in a team. */
interface MembershipView {
  role: TeamRole;
  data_sharing_consent: boolean;
  individual_alerts_opt_in: boolean;
}

/**
 * One team as a member sees it: the team with its settings and the member
 * count; admins also get the member list (they manage it).
 */
export async function teamView(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  asAdmin: boolean,
): Promise<TeamRow & { member_count: number; members?: MemberRow[] }> {
  const team = await db.query<TeamRow>(
    'SELECT id, name, owner_id, settings, created_at FROM teams WHERE id = $1',
    [teamId],
  );
  if (!team.rows[0]) throw notFound('No such team');
  const members = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM team_members tm JOIN users u ON u.id = tm.user_id
     WHERE tm.team_id = $1 ORDER BY tm.joined_at, tm.user_id`,
    [teamId],
  );
  return {
    ...iso(team.rows[0]),
    member_count: members.rows.length,
    ...(asAdmin ? { members: members.rows.map(iso) } : {}),
  };
}
