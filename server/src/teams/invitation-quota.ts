import type pg from 'pg';
import { DomainError } from '../errors/domain-error';

/**
 * Counts one invitation sent by `userId` against their quota of `max` per
 * `windowSeconds` (a fixed window), and throws 429 once it is spent. The
 * count lives in `team_invitation_quota`, one atomic upsert, so every
 * instance sharing the database shares it. It runs in its own statement,
 * before the invitation's transaction: refused attempts count too.
 */
export async function takeInvitationQuota(
  db: pg.Pool | pg.ClientBase,
  userId: string,
  limit: { max: number; windowSeconds: number },
): Promise<void> {
  const { rows } = await db.query<{ sent: number; retry_after_s: number }>(
    `INSERT INTO team_invitation_quota AS q (user_id, window_start, sent) VALUES ($1, NOW(), 1)
     ON CONFLICT (user_id) DO UPDATE SET
       window_start = CASE WHEN q.window_start <= NOW() - make_interval(secs => $2)
                           THEN NOW() ELSE q.window_start END,
       sent = CASE WHEN q.window_start <= NOW() - make_interval(secs => $2)
                   THEN 1 ELSE q.sent + 1 END
     RETURNING sent,
       CEIL(EXTRACT(EPOCH FROM (window_start + make_interval(secs => $2) - NOW())))::int
         AS retry_after_s`,
    [userId, limit.windowSeconds],
  );
  const { sent, retry_after_s } = rows[0];
  if (sent > limit.max) {
    throw new DomainError(
      'rate_limited',
      `Too many invitations: at most ${limit.max} per ${limit.windowSeconds} s; try again later`,
      { retry_after_s: Math.max(1, retry_after_s) },
    );
  }
}
