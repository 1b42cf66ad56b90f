import type { ProjectionEvents } from '../projection/projection-events';
import { mirrorPrivacySettings } from './settings-mirror';

/**
 * Privacy follows the projection: settings changed on any replica reach the
 * user row (where jobs read them) in the same transaction as the rows
 * projected under them, and team sharing turned off withdraws the user's
 * consents there too (see {@link mirrorPrivacySettings}).
 * @returns how to stop following.
 */
export function followProjectedSettings(projection: ProjectionEvents): () => void {
  return projection.onSettingsProjected(mirrorPrivacySettings);
}
