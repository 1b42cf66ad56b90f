import type pg from 'pg';

/**
 * Whether the user allows team aggregation at all, as privacy's settings
 * mirror keeps it on `users.privacy_settings`. Read with a share lock so a
 * concurrent mirror (which withdraws consents when sharing is turned off)
 * either waits for the caller or is waited for: a consent can't slip in
 * beside a withdrawal.
 */
export async function sharesWithTeams(client: pg.ClientBase, userId: string): Promise<boolean> {
  const { rows } = await client.query<{ shares: boolean | null }>(
    `SELECT (privacy_settings ->> 'share_with_teams')::boolean AS shares
     FROM users WHERE id = $1 FOR SHARE`,
    [userId],
  );
  return rows[0]?.shares !== false;
}
