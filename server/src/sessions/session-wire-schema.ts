import { flowPeriodSchema } from '@mindful/shared';
import { z } from 'zod';

/** Why `project_path` is null although a client may have sent one (docs/api.md "Sessions"). */
export const PROJECT_PATH_HIDDEN_REASONS = [
  'sync_project_paths_off',
  'track_project_names_off',
] as const;
export type ProjectPathHiddenReason = (typeof PROJECT_PATH_HIDDEN_REASONS)[number];

const isoUtc = z.string().meta({ format: 'date-time', examples: ['2026-11-28T09:30:00.000Z'] });

/** A session as the API answers it: the original `coding_sessions` columns plus added fields. */
export const sessionWireSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    user_id: z.string().meta({ format: 'uuid' }),
    start_time: isoUtc,
    end_time: isoUtc.nullable(),
    total_duration_ms: z.number().int().nullable(),
    active_duration_ms: z.number().int().nullable(),
    files_modified: z.number().int(),
    keystrokes: z.number().int(),
    lines_added: z.number().int(),
    lines_deleted: z.number().int(),
    language_breakdown: z
      .record(z.string(), z.number())
      .meta({ description: 'Active ms per language' }),
    project_path: z.string().nullable().meta({
      description:
        'null unless the user turned on both track_project_names and sync_project_paths (sync_project_paths is off by default); see project_path_hidden_reason',
    }),
    environment_data: z.record(z.string(), z.unknown()).nullable(),
    flow_state_periods: z.array(flowPeriodSchema),
    interruption_count: z.number().int(),
    error_rate: z.number().nullable().meta({ description: 'Errors per minute of active time' }),
    focus_score: z.number().nullable().meta({ description: 'In [0, 1]' }),
    device_id: z.string().nullable(),
    created_at: isoUtc,
    project_path_hidden_reason: z.enum(PROJECT_PATH_HIDDEN_REASONS).nullable().meta({
      description:
        'Set when project_path is null because a privacy setting keeps paths off the server: which one. null otherwise',
    }),
  })
  .meta({ id: 'Session' });
