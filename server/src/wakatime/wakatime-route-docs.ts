import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc';
import { HEARTBEAT_LIMITS, HEARTBEAT_TYPES } from './heartbeat-input';
import { summariesQuerySchema, STATS_RANGES } from './summary-routes';
import { wakatimeSettingsSchema } from './settings-routes';

const KEY_AUTH =
  'Takes an API key (`Authorization: Basic base64(key)` as wakatime-cli sends it, `Bearer <key>`, or `?api_key=`) or a signed-in session. ';

/** A heartbeat as WakaTime clients send it (documentation of what heartbeat-input.ts checks). */
export const heartbeatBodySchema = z
  .object({
    entity: z.string().max(HEARTBEAT_LIMITS.maxEntityLength),
    type: z.enum(HEARTBEAT_TYPES).optional(),
    time: z
      .number()
      .meta({ description: 'Seconds since 1970 (a float), 2000 or later, not in the future' }),
    category: z.string().max(64).optional(),
    project: z.string().max(HEARTBEAT_LIMITS.maxNameLength).nullable().optional(),
    branch: z.string().max(HEARTBEAT_LIMITS.maxNameLength).nullable().optional(),
    language: z.string().max(64).nullable().optional(),
    is_write: z.boolean().nullable().optional(),
    lines: z.number().int().nullable().optional(),
    lineno: z.number().int().nullable().optional(),
    cursorpos: z.number().int().nullable().optional(),
    user_agent: z.string().optional(),
  })
  .meta({ id: 'WakaTimeHeartbeat' });

const storedHeartbeat = z.object({ data: heartbeatBodySchema.extend({ id: z.string() }) });
const item = z.object({
  name: z.string(),
  total_seconds: z.number(),
  percent: z.number(),
  text: z.string(),
});
const grandTotal = z.object({
  total_seconds: z.number(),
  text: z.string(),
  digital: z.string(),
  decimal: z.string(),
  hours: z.number(),
  minutes: z.number(),
  seconds: z.number(),
});
const mindful = z
  .object({
    flow_seconds: z.number(),
    longest_flow_seconds: z.number(),
    interruptions: z.number(),
    session_count: z.number(),
    focus_score: z.number().nullable(),
  })
  .meta({ description: "Mindful's own figures; WakaTime clients ignore this key" });
const day = z.object({
  grand_total: grandTotal,
  categories: z.array(item),
  projects: z.array(item),
  languages: z.array(item),
  editors: z.array(item),
  machines: z.array(item),
  range: z.object({
    date: z.string(),
    start: z.string(),
    end: z.string(),
    text: z.string(),
    timezone: z.string(),
  }),
  mindful,
});

/** WakaTime API v1 routes, under `/api/v1` and `/api/compat/wakatime/v1` (wakatime-routes.ts). */
export const wakatimeV1Docs: RouteDoc[] = [
  {
    method: 'post',
    path: '/users/current/heartbeats',
    summary: 'One WakaTime heartbeat',
    description: `${KEY_AUTH}A refused heartbeat is a 400 naming it (time_in_future, time_before_2000, invalid_time, unknown_type, entity_too_long, nul_byte, validation_error).`,
    body: heartbeatBodySchema,
    responses: { 201: { description: 'Stored (or already stored)', schema: storedHeartbeat } },
    errors: [413, 429],
  },
  {
    method: 'post',
    path: '/users/current/heartbeats.bulk',
    summary: `Up to ${HEARTBEAT_LIMITS.maxBulk} heartbeats; one answer per heartbeat`,
    description: `${KEY_AUTH}Each refused heartbeat gets \`[{error, code, errors}, 400]\` and the valid rest is stored; more than ${HEARTBEAT_LIMITS.maxBulk} is a 400 too_many_heartbeats and nothing is stored.`,
    body: z.array(heartbeatBodySchema),
    responses: {
      202: {
        description: 'One [body, status] pair per heartbeat, in order',
        schema: z.object({
          responses: z.array(z.tuple([z.record(z.string(), z.unknown()), z.number()])),
        }),
      },
    },
    errors: [413, 429],
  },
  {
    method: 'get',
    path: '/users/current/statusbar/today',
    summary: "Today's coding time in WakaTime's status-bar shape",
    description: KEY_AUTH,
    responses: {
      200: { description: 'Today', schema: z.object({ cached_at: z.string(), data: day }) },
    },
    errors: [429],
  },
  {
    method: 'get',
    path: '/users/current/summaries',
    summary: 'Per-day summaries (WakaTime shape)',
    description: `${KEY_AUTH}Days are local days in the user's time zone.`,
    query: summariesQuerySchema,
    responses: {
      200: {
        description: 'One entry per day',
        schema: z.object({
          data: z.array(day),
          start: z.string(),
          end: z.string(),
          cumulative_total: z.object({ seconds: z.number(), text: z.string() }),
          daily_average: z.object({ seconds: z.number(), text: z.string() }),
        }),
      },
    },
    errors: [429],
  },
  {
    method: 'get',
    path: '/users/current/stats/:range',
    summary: 'Totals over a range (WakaTime stats shape)',
    description: KEY_AUTH,
    params: z.object({ range: z.enum(Object.keys(STATS_RANGES) as [string, ...string[]]) }),
    responses: {
      200: {
        description: 'The range',
        schema: z.object({
          data: z.object({
            range: z.string(),
            total_seconds: z.number(),
            daily_average: z.number(),
          }),
        }),
      },
    },
    errors: [429],
  },
];

const importJob = z.object({
  id: z.string(),
  status: z.enum(['waiting', 'running', 'done', 'failed']),
  bytes_total: z.number().nullable(),
  bytes_read: z.number(),
  progress: z.number().nullable(),
  days_processed: z.number(),
  heartbeats_processed: z.number(),
  heartbeats_stored: z.number(),
  heartbeats_refused: z.number(),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
const importId = z.object({ id: z.string().meta({ format: 'uuid' }) });

/** `/api/wakatime/*`: import of a WakaTime export and the idle timeout. */
export const wakatimeOwnDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/imports',
    summary: 'Make an import job for a WakaTime data export',
    description: KEY_AUTH,
    responses: { 201: { description: 'The job, waiting for its data', schema: importJob } },
  },
  {
    method: 'get',
    path: '/imports',
    summary: 'Your import jobs',
    responses: {
      200: { description: 'Jobs, newest first', schema: z.object({ imports: z.array(importJob) }) },
    },
  },
  {
    method: 'get',
    path: '/imports/:id',
    summary: "An import job's progress",
    params: importId,
    responses: { 200: { description: 'The job', schema: importJob } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/imports/:id/data',
    summary: 'Stream the export into the job; answers the finished job',
    description:
      'The body is the export as WakaTime makes it (`{"days":[{"date","heartbeats":[…]}]}`), parsed as it streams. 400 invalid_export names what is wrong; 409 when the job already had its data.',
    params: importId,
    body: z.object({
      days: z.array(z.object({ date: z.string(), heartbeats: z.array(heartbeatBodySchema) })),
    }),
    responses: { 200: { description: 'The finished job', schema: importJob } },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/settings',
    summary: 'The idle timeout that joins heartbeats into durations',
    responses: { 200: { description: 'Settings', schema: wakatimeSettingsSchema } },
  },
  {
    method: 'put',
    path: '/settings',
    summary: 'Change the idle timeout (1–120 minutes)',
    body: wakatimeSettingsSchema,
    responses: { 200: { description: 'Settings now in force', schema: wakatimeSettingsSchema } },
  },
];
