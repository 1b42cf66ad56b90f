import { z } from 'zod';
import { flowStateResultSchema } from '../flow/flow-route-docs';
import type { RouteDoc } from '../openapi/route-doc';
import { historyQuerySchema } from './session-history';
import { endSessionSchema, sessionUpdateSchema, startSessionSchema } from './session-service';
import { sessionWireSchema } from './session-wire-schema';

const sessionId = z.object({ id: z.string().meta({ format: 'uuid' }) });

/** `/api/sessions/*` (session-routes.ts). */
export const sessionRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/start',
    summary: 'Start a coding session',
    body: startSessionSchema,
    bodyRequired: false,
    responses: { 201: { description: 'The session', schema: sessionWireSchema } },
    errors: [503],
  },
  {
    method: 'put',
    path: '/:id/update',
    summary: 'Report activity; returns the flow state',
    description:
      'Counters are deltas since the previous update. `timestamp` defaults to now and must not go backwards within a session (409).',
    params: sessionId,
    body: sessionUpdateSchema,
    responses: {
      200: { description: 'The flow state after this update', schema: flowStateResultSchema },
    },
    errors: [404, 409, 503],
  },
  {
    method: 'post',
    path: '/:id/end',
    summary: 'End a session (idempotent)',
    params: sessionId,
    body: endSessionSchema,
    bodyRequired: false,
    responses: { 200: { description: 'The session with its summary', schema: sessionWireSchema } },
    errors: [404, 503],
  },
  {
    method: 'get',
    path: '/history',
    summary: 'Your sessions, newest first, a page at a time',
    query: historyQuerySchema,
    responses: {
      200: {
        description: 'One page; send next_cursor back as cursor until it is null',
        schema: z.object({
          sessions: z.array(sessionWireSchema),
          next_cursor: z.string().nullable(),
        }),
      },
    },
  },
];
