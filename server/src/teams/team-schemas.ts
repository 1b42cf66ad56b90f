import { z } from 'zod';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE, wireDay } from '@mindful/shared';
import { burnoutThresholdsInput } from './burnout/thresholds';
import { TEAM_ROLES } from './team-access';

/** The longest analytics range one request may ask for. */
export const MAX_RANGE_DAYS = 366;

const day = wireDay;

/** `POST /api/teams` */
export const createTeamBody = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(255)
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE),
});

/** `POST /api/teams/:id/members` */
export const addMemberBody = z.object({
  email: z.email('must be an email address'),
  role: z.enum(TEAM_ROLES).default('member'),
});

/** `PUT /api/teams/:id/members/:user_id` */
export const memberRoleBody = z.object({ role: z.enum(TEAM_ROLES) });

/** `PUT /api/teams/:id/settings`: fields left out keep their saved value. */
export const teamSettingsBody = z.object({ burnout_thresholds: burnoutThresholdsInput });

/** `PUT /api/teams/:id/consent` */
export const consentBody = z.object({
  data_sharing_consent: z.boolean(),
  individual_alerts_opt_in: z.boolean().optional(),
});

/** `?start_date=&end_date=` of analytics and insights; defaults to the last `defaultDays` UTC days. */
export function dateRangeQuery(defaultDays: number, today: () => Date) {
  return z
    .object({ start_date: day.optional(), end_date: day.optional() })
    .transform((q) => {
      const end = q.end_date ?? today().toISOString().slice(0, 10);
      const start =
        q.start_date ??
        new Date(Date.parse(`${end}T00:00:00Z`) - (defaultDays - 1) * 86_400_000)
          .toISOString()
          .slice(0, 10);
      return { start, end };
    })
    .refine((r) => r.start <= r.end, {
      message: 'start_date must not be after end_date',
      path: ['start_date'],
    })
    .refine((r) => (Date.parse(r.end) - Date.parse(r.start)) / 86_400_000 < MAX_RANGE_DAYS, {
      message: `the range may span at most ${MAX_RANGE_DAYS} days`,
      path: ['end_date'],
    });
}

/** `POST /api/teams/:id/alerts` */
export const runAlertsBody = z
  .object({
    thresholds: burnoutThresholdsInput.optional(),
    /** First local day of the evaluated week; default: the 7 days ending today (UTC). */
    week_start: day.optional(),
  })
  .default({});

/** `GET /api/teams/:id/alerts?limit=` */
export const listAlertsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
