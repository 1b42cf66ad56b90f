import { flowStateDataSchema } from '@mindful/shared';
import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc';

/** The seed's FlowStateResult on the wire. */
export const flowStateResultSchema = z
  .object({
    is_in_flow: z.boolean(),
    flow_intensity: z.number().min(0).max(1),
    flow_duration_ms: z.number().min(0),
    confidence: z.number().min(0).max(1),
    recommendations: z.array(z.string()),
  })
  .meta({ id: 'FlowStateResult' });

const insightSchema = z.looseObject({
  insight_type: z.string(),
  insight_data: z.unknown(),
  confidence_score: z.number(),
  date_range_start: z.string().nullable(),
  date_range_end: z.string().nullable(),
});

/** `/api/flow/*` (flow-routes.ts). */
export const flowRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/detect',
    summary: 'Score one window of activity (advisory; nothing is stored)',
    body: flowStateDataSchema,
    responses: { 200: { description: 'The flow state', schema: flowStateResultSchema } },
    errors: [409],
  },
  {
    method: 'get',
    path: '/patterns',
    summary: 'Your personal patterns (peak hours, flow duration, session length, recovery)',
    description:
      'Read in your time zone (PUT /api/me/timezone). Each pattern carries a confidence and is absent below the minimum data.',
    responses: {
      200: { description: 'The patterns', schema: z.record(z.string(), z.unknown()) },
    },
  },
  {
    method: 'get',
    path: '/insights',
    summary: 'Insights drawn from your history',
    responses: {
      200: { description: 'The insights', schema: z.object({ insights: z.array(insightSchema) }) },
    },
  },
];
