import type pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Database, RunningServer } from '@mindful/server';
import { authedFetch, startTestServer, type TestUser } from '../helpers/test-server';

/**
 * Starts, for the calling suite, a server where new accounts are on the team
 * tier and aggregates need 3 consenting members; stops it after the suite.
 * @returns the running server (once `beforeAll` has run).
 */
export function useTeamServer(store: () => Database): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(store(), {
      DEFAULT_SUBSCRIPTION_TIER: 'team',
      TEAM_MIN_GROUP_SIZE: '3',
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the team server is not started yet');
    return server;
  };
}

/** Calls `/api/teams<path>` on the server at `baseUrl()` as `user`. */
export function teamsApi(baseUrl: () => string) {
  return (user: TestUser, path: string, init: { method?: string; body?: unknown } = {}) =>
    authedFetch(baseUrl(), user.token, `/api/teams${path}`, init);
}

/**
 * Invites `member` to the team as `admin` and has them accept: how anyone
 * joins a team. Returns the membership the acceptance answered with.
 */
export async function joinTeam(
  api: ReturnType<typeof teamsApi>,
  admin: TestUser,
  teamId: string,
  member: TestUser,
  role?: 'member' | 'admin',
): Promise<Record<string, unknown>> {
  const invited = await api(admin, `/${teamId}/members`, {
    method: 'POST',
    body: { email: member.email, ...(role ? { role } : {}) },
  });
  expect(invited.status).toBe(201);
  const { id } = (await invited.json()) as { id: string };
  const accepted = await api(member, `/invitations/${id}/accept`, { method: 'POST' });
  expect(accepted.status).toBe(200);
  return (await accepted.json()) as Record<string, unknown>;
}

/** Creates a team as `admin`, and `members` join it (invited, then accepting); returns its id. */
export async function newTeam(
  api: ReturnType<typeof teamsApi>,
  admin: TestUser,
  members: TestUser[],
  name = 'Platform',
): Promise<string> {
  const created = await api(admin, '', { method: 'POST', body: { name } });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  for (const member of members) await joinTeam(api, admin, id, member);
  return id;
}

/** A finished session to write straight into coding_sessions. */
export interface SeedSession {
  /** ISO start time. */
  start: string;
  minutes: number;
  focus: number | null;
  /** Durations of its flow periods, in minutes; null writes a NULL column. */
  flowMinutes?: number[] | null;
  interruptions?: number;
}

/**
 * Writes sessions as the sync reconciler would, for tests of what reads the
 * tables (team aggregates, burnout rules) rather than of how rows get there.
 */
export async function seedSessions(
  pool: pg.Pool,
  userId: string,
  sessions: SeedSession[],
): Promise<void> {
  for (const s of sessions) {
    const start = new Date(s.start);
    const end = new Date(start.getTime() + s.minutes * 60_000);
    const periods =
      s.flowMinutes === null || s.flowMinutes === undefined
        ? null
        : JSON.stringify(
            s.flowMinutes.map((m) => ({
              start_time: start.toISOString(),
              end_time: new Date(start.getTime() + m * 60_000).toISOString(),
              duration_ms: m * 60_000,
              intensity: 0.8,
            })),
          );
    await pool.query(
      `INSERT INTO coding_sessions (user_id, start_time, end_time, total_duration_ms, focus_score,
         flow_state_periods, interruption_count)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [userId, start, end, s.minutes * 60_000, s.focus, periods, s.interruptions ?? 0],
    );
  }
}
