import { z } from 'zod';

/**
 * Limits of the WakaTime heartbeat routes. A bulk of more than
 * `maxBulk` heartbeats is refused whole (wakatime-cli sends 25 at a time).
 */
export const HEARTBEAT_LIMITS = {
  maxBulk: 1000,
  maxEntityLength: 2048,
  maxNameLength: 200,
  /** A heartbeat may be this far ahead of the server's clock (client clock skew). */
  futureSkewMs: 5 * 60_000,
  /** 2000-01-01T00:00:00Z: nothing older is a real heartbeat. */
  earliestSeconds: 946_684_800,
} as const;

/** Entity types WakaTime knows (`url` is what newer browser plugins send). */
export const HEARTBEAT_TYPES = ['file', 'domain', 'app', 'url'] as const;

/** A heartbeat once validated, times in seconds as WakaTime sends them. */
export interface Heartbeat {
  time: number;
  type: (typeof HEARTBEAT_TYPES)[number];
  category: string;
  entity: string;
  project: string | null;
  branch: string | null;
  language: string | null;
  isWrite: boolean;
  lines: number | null;
  lineno: number | null;
  cursorpos: number | null;
  /** From the User-Agent: the editor (`vscode`) and the plugin (`vscode-wakatime/24.6.0`). */
  editor: string | null;
  plugin: string | null;
  machine: string | null;
}

/** Why one heartbeat was refused: a named code, a message, and the fields at fault. */
export interface HeartbeatProblem {
  code:
    | 'invalid_heartbeat'
    | 'nul_byte'
    | 'invalid_time'
    | 'time_in_future'
    | 'time_before_2000'
    | 'unknown_type'
    | 'entity_too_long'
    | 'validation_error';
  message: string;
  details?: { field: string; message: string }[];
}

export type HeartbeatCheck =
  { ok: true; heartbeat: Heartbeat } | { ok: false; problem: HeartbeatProblem };

const name = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v.trim()));
const position = z
  .number()
  .int()
  .min(0)
  .max(100_000_000)
  .nullish()
  .transform((v) => v ?? null);

const restSchema = z.object({
  category: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z ]*$/, 'must be a WakaTime category such as "coding"')
    .nullish()
    .transform((v) => v ?? 'coding'),
  project: name(HEARTBEAT_LIMITS.maxNameLength),
  branch: name(HEARTBEAT_LIMITS.maxNameLength),
  language: name(64),
  is_write: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  lines: position,
  lineno: position,
  cursorpos: position,
  user_agent: z.string().max(512).nullish(),
});

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 3 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

/** Editor and plugin from a wakatime-cli User-Agent such as `wakatime/v1.102.1 (linux-6.1) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0`. */
export function parseUserAgent(userAgent: string | null | undefined): {
  editor: string | null;
  plugin: string | null;
} {
  if (!userAgent) return { editor: null, plugin: null };
  const tokens = userAgent.split(/\s+/).filter((t) => t.includes('/'));
  const plugin = [...tokens].reverse().find((t) => /^[\w.-]+-wakatime\/[\w.+-]+$/i.test(t));
  if (plugin) {
    return {
      editor: plugin
        .split('/')[0]!
        .replace(/-wakatime$/i, '')
        .slice(0, 64),
      plugin: plugin.slice(0, 128),
    };
  }
  const last = tokens[tokens.length - 1];
  if (last && !/^wakatime\//i.test(last))
    return { editor: last.split('/')[0]!.slice(0, 64), plugin: last.slice(0, 128) };
  return { editor: null, plugin: null };
}

/**
 * Checks one heartbeat from a client. `headers` carries what the request
 * said about every heartbeat in it (User-Agent, X-Machine-Name); a
 * heartbeat's own `user_agent` wins. Unknown fields (wakatime-cli sends
 * `dependencies`, `line_additions`, …) are ignored.
 */
export function checkHeartbeat(
  raw: unknown,
  nowMs: number,
  headers: { userAgent: string | null; machine: string | null },
): HeartbeatCheck {
  const fail = (
    code: HeartbeatProblem['code'],
    message: string,
    field?: string,
  ): HeartbeatCheck => ({
    ok: false,
    problem: { code, message, ...(field ? { details: [{ field, message }] } : {}) },
  });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail('invalid_heartbeat', 'A heartbeat is a JSON object');
  }
  const input = raw as Record<string, unknown>;
  if (hasNul(input)) return fail('nul_byte', 'Text fields must not contain NUL bytes');
  const time = typeof input.time === 'string' ? Number(input.time) : input.time;
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    return fail('invalid_time', 'time must be a finite number of seconds since 1970', 'time');
  }
  if (time * 1000 > nowMs + HEARTBEAT_LIMITS.futureSkewMs) {
    return fail('time_in_future', 'time is in the future', 'time');
  }
  if (time < HEARTBEAT_LIMITS.earliestSeconds) {
    return fail('time_before_2000', 'time is before 2000-01-01', 'time');
  }
  const type = input.type ?? 'file';
  if (typeof type !== 'string' || !(HEARTBEAT_TYPES as readonly string[]).includes(type)) {
    return fail('unknown_type', `type must be one of ${HEARTBEAT_TYPES.join(', ')}`, 'type');
  }
  const entity = input.entity;
  if (typeof entity !== 'string' || entity.trim() === '') {
    return fail('validation_error', 'entity is required', 'entity');
  }
  if (entity.length > HEARTBEAT_LIMITS.maxEntityLength) {
    return fail(
      'entity_too_long',
      `entity is longer than ${HEARTBEAT_LIMITS.maxEntityLength} characters`,
      'entity',
    );
  }
  const rest = restSchema.safeParse(input);
  if (!rest.success) {
    return {
      ok: false,
      problem: {
        code: 'validation_error',
        message: 'The heartbeat is invalid',
        details: rest.error.issues.map((i) => ({
          field: i.path.join('.') || '(heartbeat)',
          message: i.message,
        })),
      },
    };
  }
  const { editor, plugin } = parseUserAgent(rest.data.user_agent ?? headers.userAgent);
  return {
    ok: true,
    heartbeat: {
      time,
      type: type as Heartbeat['type'],
      category: rest.data.category,
      entity,
      project: rest.data.project,
      branch: rest.data.branch,
      language: rest.data.language,
      isWrite: rest.data.is_write,
      lines: rest.data.lines,
      lineno: rest.data.lineno,
      cursorpos: rest.data.cursorpos,
      editor,
      plugin,
      machine: headers.machine,
    },
  };
}

/** The heartbeat as WakaTime answers it (`data` of a 201). */
export function heartbeatWire(heartbeat: Heartbeat, id: string) {
  return {
    id,
    entity: heartbeat.entity,
    type: heartbeat.type,
    time: heartbeat.time,
    category: heartbeat.category,
    project: heartbeat.project,
    branch: heartbeat.branch,
    language: heartbeat.language,
    is_write: heartbeat.isWrite,
    lines: heartbeat.lines,
    lineno: heartbeat.lineno,
    cursorpos: heartbeat.cursorpos,
  };
}
