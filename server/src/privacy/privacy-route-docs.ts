import { privacySettingsPatchSchema, privacySettingsSchema } from '@mindful/shared';
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc';
import { purgeQuerySchema } from './privacy-routes';

/** `/api/privacy/*` (privacy-routes.ts). */
export const privacyRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/settings',
    summary: 'Your privacy settings',
    responses: { 200: { description: 'The settings in force', schema: privacySettingsSchema } },
  },
  {
    method: 'put',
    path: '/settings',
    summary: 'Change privacy settings (any subset)',
    body: privacySettingsPatchSchema,
    responses: { 200: { description: 'The settings now in force', schema: privacySettingsSchema } },
  },
  {
    method: 'get',
    path: '/export',
    summary: 'Everything the server holds about you, decrypted (streamed JSON)',
    responses: {
      200: {
        description: 'One JSON document',
        schema: z.looseObject({
          user: z.unknown(),
          settings: z.unknown(),
          sessions: z.array(z.unknown()),
          flow_states: z.array(z.unknown()),
          insights: z.array(z.unknown()),
          teams: z.array(z.unknown()),
          export_timestamp: z.string(),
        }),
      },
    },
  },
  {
    method: 'delete',
    path: '/purge',
    summary: 'Erase your data (and by default your account)',
    description:
      'Every connected replica is closed with 4410 and wipes itself; an offline one is refused when it comes back.',
    query: purgeQuerySchema,
    responses: {
      200: {
        description: 'Purged',
        schema: z.object({
          status: z.literal('purged'),
          scope: z.enum(['all', 'data']),
          generation: z.number().int(),
        }),
      },
    },
  },
];
