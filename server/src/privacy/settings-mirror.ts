import type pg from 'pg';
import type { PrivacySettings } from '@mindful/shared';
import { withdrawTeamConsents } from '../teams';

/**
 * Copies the settings of a user's document onto `users.privacy_settings`,
 * where jobs select on them in SQL (retention, team consent). With team
 * sharing off, every team consent the user still gives is withdrawn, as the
 * consent route would: aggregates recomputed, alerts recounted without them. Idempotent: the settings route and every
 * reconciliation call it, whichever replica changed the settings.
 */
export async function mirrorPrivacySettings(
  client: pg.ClientBase,
  userId: string,
  settings: PrivacySettings,
): Promise<void> {
  await client.query(
    `UPDATE users SET privacy_settings = $2::jsonb, updated_at = NOW()
     WHERE id = $1 AND privacy_settings IS DISTINCT FROM $2::jsonb`,
    [userId, JSON.stringify(settings)],
  );
  if (!settings.share_with_teams) await withdrawTeamConsents(client, userId);
}
