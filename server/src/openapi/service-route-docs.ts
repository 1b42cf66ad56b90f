import { z } from 'zod';
import { SYNC_CLOSE as CloseCodes } from '@mindful/shared';
import { errorBodySchema } from './common-schemas';
import type { RouteDoc } from './route-doc';

/** `GET /healthz` and `GET /metrics`, mounted on the app itself. */
export const serviceRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness and database reachability',
    responses: {
      200: { description: 'The database answers', schema: z.object({ status: z.literal('ok') }) },
      503: {
        description: 'The database does not answer',
        schema: z.object({ status: z.literal('unavailable'), error: errorBodySchema.shape.error }),
      },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (no user data)',
    description:
      'Process, heap, GC and event-loop metrics, HTTP request durations by route template, sync counters and gauges, job runs. With METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>` gets them.',
    auth: 'metrics',
    responses: { 200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain' } },
  },
];

/** What a client should do on each close code of the sync socket (docs/sync-protocol.md). */
export const CLOSE_CODE_REACTIONS: Record<number, string> = {
  [CloseCodes.goingAway.code]: 'The server is shutting down: reconnect after a short delay.',
  [CloseCodes.messageTooBig.code]:
    'A message was over 16 MiB: do not resend it unchanged; report an error.',
  [CloseCodes.internalError.code]:
    'The server could not store an update: reconnect with a growing delay; the state exchange re-sends it.',
  [CloseCodes.malformedMessage.code]: 'Not the y-websocket protocol: stop (a client bug).',
  [CloseCodes.unauthorized.code]:
    'No or bad credentials: refresh the token once and reconnect; on a second 4401 sign in again.',
  [CloseCodes.forbidden.code]:
    'Not your document, or not its canonical name: stop; connect to user:<id> as /api/me spells it.',
  [CloseCodes.generationMoved.code]:
    'The data was purged; the reason is generation=<n>: wipe the local replica, store n, reconnect with generation=<n>.',
  [CloseCodes.unsupportedMessage.code]: 'A message type the server does not speak: stop.',
  [CloseCodes.rateLimited.code]:
    'Over the message-rate or byte budget, or the per-user connection cap or write budget: reconnect with a growing delay.',
  [CloseCodes.documentTooLarge.code]:
    'The document is at its size cap (SYNC_MAX_DOCUMENT_BYTES): stop; retrying cannot help until data is deleted (retention, purge).',
};

const closeCodes = Object.values(CloseCodes).map(({ code, reason }) => ({
  code,
  reason,
  client_action: CLOSE_CODE_REACTIONS[code] ?? '',
}));

/** The sync socket: a WebSocket upgrade handled outside Express. */
export const syncSocketDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/sync/:doc',
    summary: 'Sync socket (WebSocket, y-websocket protocol)',
    description: [
      'Upgrade to a WebSocket speaking the y-websocket protocol (y-protocols sync + awareness) for the document `user:<user_id>`. Credentials as `?token=` or the Authorization header. See docs/sync-protocol.md.',
      '',
      'Close codes (also in `x-close-codes`):',
      '',
      ...closeCodes.map((c) => `- **${c.code}** ${c.reason}: ${c.client_action}`),
      '- any other **44xx**: the server refuses that message; do not retry it unchanged.',
    ].join('\n'),
    params: z.object({
      doc: z
        .string()
        .meta({ description: '`user:<user_id>`, the id in lower case', examples: ['user:6f1c…'] }),
    }),
    query: z.object({
      token: z
        .string()
        .optional()
        .meta({ description: 'Bearer token (browsers cannot set headers on a WebSocket)' }),
      generation: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .meta({ description: 'The generation the replica holds; 0 if it never saw a purge' }),
    }),
    responses: { 101: { description: 'Switching protocols: the socket is open' } },
    errors: [403],
    extensions: { 'x-close-codes': closeCodes },
  },
];
