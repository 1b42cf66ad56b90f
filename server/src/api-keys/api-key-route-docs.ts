import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc';
import { createApiKeySchema } from './api-key-routes';

const apiKeySchema = z.object({
  id: z.string().meta({ format: 'uuid' }),
  name: z.string(),
  prefix: z.string().meta({ examples: ['waka_1a2b3c4d'] }),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** `/api/api-keys` (api-key-routes.ts). */
export const apiKeyRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/',
    summary: 'Create an API key for an editor or a script (shown once)',
    description:
      'The key (`waka_<uuid>`) is in this answer only; the server keeps its SHA-256. Use it as `api_key` in `~/.wakatime.cfg` (docs/wakatime.md).',
    body: createApiKeySchema,
    bodyRequired: false,
    responses: {
      201: { description: 'The key', schema: apiKeySchema.extend({ key: z.string() }) },
    },
    errors: [409],
  },
  {
    method: 'get',
    path: '/',
    summary: 'Your API keys, by prefix',
    responses: {
      200: {
        description: 'Keys, newest first',
        schema: z.object({ api_keys: z.array(apiKeySchema) }),
      },
    },
  },
  {
    method: 'delete',
    path: '/:id',
    summary: 'Revoke an API key (refused from the next request on, on every instance)',
    params: z.object({ id: z.string().meta({ format: 'uuid' }) }),
    responses: { 204: { description: 'Revoked' } },
    errors: [404],
  },
];
