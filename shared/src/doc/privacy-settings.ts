import { z } from 'zod';

/**
 * What the user lets Mindful Code track and what may leave their device.
 * Stored in the user's document so every replica and the server enforce the
 * same choices. Defaults are the private ones.
 */
export const privacySettingsSchema = z
  .object({
    /** Record keystroke timing at all (needed for rhythm-based flow detection). */
    track_keystroke_timing: z.boolean(),
    /** Record project paths/names. */
    track_project_names: z.boolean(),
    /** Record the language breakdown. */
    track_languages: z.boolean(),
    /** Let raw keystroke intervals leave the device (summaries always may). */
    sync_raw_keystrokes: z.boolean(),
    /** Let project paths leave the device. */
    sync_project_paths: z.boolean(),
    /** Let environment data (time of day, workspace size…) leave the device. */
    sync_environment_data: z.boolean(),
    /** Days after which sessions are deleted everywhere; null keeps them. */
    retention_days: z.number().int().min(1).max(3650).nullable(),
    /** Allow team aggregation at all (team consent is still per team). */
    share_with_teams: z.boolean(),
  })
  .strict();

/** The user's privacy preferences (wire and document form). */
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;

/** The settings a new user starts with: track locally, share nothing raw. */
export const DEFAULT_PRIVACY_SETTINGS: PrivacySettings = Object.freeze({
  track_keystroke_timing: true,
  track_project_names: true,
  track_languages: true,
  sync_raw_keystrokes: false,
  sync_project_paths: false,
  sync_environment_data: false,
  retention_days: null,
  share_with_teams: true,
});

/**
 * One stored setting as the document holds it: the value when `key` is one of
 * the schema's own fields and the value is valid for it, otherwise undefined.
 * Any replica may write any key into the settings map, including
 * `__proto__`, `constructor` or `toString`, which a plain property lookup on
 * the schema's shape would find on `Object.prototype`.
 */
export function storedSettingValue(
  key: string,
  value: unknown,
): PrivacySettings[keyof PrivacySettings] | undefined {
  if (!Object.hasOwn(privacySettingsSchema.shape, key)) return undefined;
  const field = privacySettingsSchema.shape[key as keyof PrivacySettings];
  const parsed = field.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Settings patch from a client: any subset of the fields. */
export const privacySettingsPatchSchema = privacySettingsSchema.partial().strict();
