import type pg from 'pg';
import { conflict, notFound } from '../errors/domain-error';
import { isUuid, type TeamRole } from './team-access';
import { getMember, lockTeam, type MemberRow } from './team-store';

/** How long an invitation can be accepted. */
export const INVITATION_TTL_DAYS = 14;

/** An invitation as the inviting admin sees it. */
export interface InvitationRow {
  id: string;
  team_id: string;
  email: string;
  role: TeamRole;
  status: 'pending';
  invited_by: string;
  created_at: string;
  expires_at: string;
}

/** An invitation as the invitee sees it: which team, from whom. */
export interface ReceivedInvitation {
  id: string;
  team_id: string;
  team_name: string;
  role: TeamRole;
  invited_by_name: string | null;
  created_at: string;
  expires_at: string;
}

const INVITATION_COLUMNS = `id, team_id, email, role, 'pending' AS status, invited_by, created_at, expires_at`;

function iso<T extends object>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const key of ['created_at', 'expires_at']) {
    if (out[key] instanceof Date) out[key] = (out[key] as Date).toISOString();
  }
  return out as T;
}

const ALREADY_MEMBER = 'That address already belongs to a member of this team.';

/**
 * Invites the owner of `email` to the team (sending again renews the
 * invitation). Whether an account uses the address is never looked up, so
 * the answer is the same for every address that is not already a member's —
 * and an admin sees the members' addresses anyway. 409 for a member's address.
 */
export async function inviteToTeam(
  client: pg.ClientBase,
  teamId: string,
  invitedBy: string,
  email: string,
  role: TeamRole,
): Promise<InvitationRow> {
  await lockTeam(client, teamId);
  const address = email.toLowerCase();
  const member = await client.query(
    `SELECT 1 FROM team_members tm JOIN users u ON u.id = tm.user_id
     WHERE tm.team_id = $1 AND lower(u.email) = $2`,
    [teamId, address],
  );
  if (member.rows.length > 0) throw conflict(ALREADY_MEMBER);
  const { rows } = await client.query<InvitationRow>(
    `INSERT INTO team_invitations (team_id, invited_by, email, role, expires_at)
     VALUES ($1, $2, $3, $4, NOW() + make_interval(days => $5))
     ON CONFLICT (team_id, email) DO UPDATE
       SET invited_by = EXCLUDED.invited_by, role = EXCLUDED.role,
           created_at = NOW(), expires_at = EXCLUDED.expires_at
     RETURNING ${INVITATION_COLUMNS}`,
    [teamId, invitedBy, address, role, INVITATION_TTL_DAYS],
  );
  return iso(rows[0]);
}

/** The team's invitations that can still be accepted, newest first (admins). */
export async function pendingInvitationsOf(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
): Promise<InvitationRow[]> {
  const { rows } = await db.query<InvitationRow>(
    `SELECT ${INVITATION_COLUMNS} FROM team_invitations
     WHERE team_id = $1 AND expires_at > NOW() ORDER BY created_at DESC, id`,
    [teamId],
  );
  return rows.map(iso);
}

/** Withdraws an invitation of the team; 404 when there is none with that id. */
export async function revokeInvitation(
  db: pg.Pool | pg.ClientBase,
  teamId: string,
  invitationId: string,
): Promise<void> {
  if (!isUuid(invitationId)) throw notFound('No such invitation');
  const { rowCount } = await db.query(
    'DELETE FROM team_invitations WHERE id = $1 AND team_id = $2',
    [invitationId, teamId],
  );
  if (rowCount === 0) throw notFound('No such invitation');
}

/** Invitations to the user's own address that can still be accepted, newest first. */
export async function invitationsFor(
  db: pg.Pool | pg.ClientBase,
  userId: string,
): Promise<ReceivedInvitation[]> {
  const { rows } = await db.query<ReceivedInvitation>(
    `SELECT i.id, i.team_id, t.name AS team_name, i.role, inviter.name AS invited_by_name,
            i.created_at, i.expires_at
     FROM users me
     JOIN team_invitations i ON i.email = lower(me.email)
     JOIN teams t ON t.id = i.team_id
     LEFT JOIN users inviter ON inviter.id = i.invited_by
     WHERE me.id = $1 AND i.expires_at > NOW()
     ORDER BY i.created_at DESC, i.id`,
    [userId],
  );
  return rows.map(iso);
}

/**
 * Accepts an invitation to the caller's own address: they join the team
 * with the invited role (no consent given: that stays their own choice).
 * 404 for an unknown, expired, already answered or someone else's invitation.
 */
export async function acceptInvitation(
  client: pg.ClientBase,
  invitationId: string,
  userId: string,
): Promise<MemberRow> {
  const hidden = notFound('No such invitation');
  if (!isUuid(invitationId)) throw hidden;
  const found = await client.query<{ team_id: string }>(
    `SELECT i.team_id FROM team_invitations i JOIN users me ON i.email = lower(me.email)
     WHERE i.id = $1 AND me.id = $2 AND i.expires_at > NOW()`,
    [invitationId, userId],
  );
  const teamId = found.rows[0]?.team_id;
  if (!teamId) throw hidden;
  // The team row first, as every membership change does; then take the
  // invitation, which a concurrent accept, decline or revocation may have.
  await lockTeam(client, teamId);
  const taken = await client.query<{ role: TeamRole }>(
    'DELETE FROM team_invitations WHERE id = $1 AND expires_at > NOW() RETURNING role',
    [invitationId],
  );
  const role = taken.rows[0]?.role;
  if (!role) throw hidden;
  await client.query(
    `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (team_id, user_id) DO NOTHING`,
    [teamId, userId, role],
  );
  return getMember(client, teamId, userId);
}

/** Declines (deletes) an invitation to the caller's own address; 404 when there is none. */
export async function declineInvitation(
  db: pg.Pool | pg.ClientBase,
  invitationId: string,
  userId: string,
): Promise<void> {
  if (!isUuid(invitationId)) throw notFound('No such invitation');
  const { rowCount } = await db.query(
    `DELETE FROM team_invitations i USING users me
     WHERE i.id = $1 AND me.id = $2 AND i.email = lower(me.email)`,
    [invitationId, userId],
  );
  if (rowCount === 0) throw notFound('No such invitation');
}

/** Deletes expired invitations (and with them the addresses of people who never answered). */
export async function deleteExpiredInvitations(client: pg.ClientBase): Promise<number> {
  const { rowCount } = await client.query('DELETE FROM team_invitations WHERE expires_at <= NOW()');
  return rowCount ?? 0;
}
