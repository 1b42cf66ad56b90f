import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { openTestDatabase, type TestDatabase } from '../helpers/databases';
import { authedFetch, signUp, startTestServer, type TestUser } from '../helpers/test-server';

interface Session {
  id: string;
  start_time: string;
  end_time: string | null;
  project_path: string | null;
  project_path_hidden_reason: string | null;
}

const activity = {
  keystroke_intervals: [120, 130, 110],
  context_switches: 0,
  error_events: 0,
  focus_duration: 60_000,
  file_modifications: 1,
  keystrokes: 3,
  lines_added: 1,
};

describe('one time rule, time zone, 415, sign-up aliases, hidden project paths', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    server = await startTestServer(db);
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
  });

  const call = (user: TestUser, path: string, method = 'GET', body?: unknown) =>
    authedFetch(server.url, user.token, path, { method, body });
  const start = async (user: TestUser, body: unknown): Promise<Session> => {
    const response = await call(user, '/api/sessions/start', 'POST', body);
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Session;
  };

  it('takes ISO-8601 and epoch ms wherever a time is read, and refuses a time without offset', async () => {
    const user = await signUp(server.url);
    const epoch = Date.parse('2026-11-28T09:00:00Z');
    const session = await start(user, { start_time: epoch, language: 'ts' });
    expect(session.start_time).toBe('2026-11-28T09:00:00.000Z');

    const update = (timestamp: unknown) =>
      call(user, `/api/sessions/${session.id}/update`, 'PUT', { ...activity, timestamp });
    expect((await update('2026-11-28T10:01:00+01:00')).status).toBe(200);
    expect((await update(epoch + 120_000)).status).toBe(200);
    const bad = await update('2026-11-28T09:03:00');
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { error: { details: { field: string }[] } };
    expect(problem.error.details.map((d) => d.field)).toContain('timestamp');

    const ended = await call(user, `/api/sessions/${session.id}/end`, 'POST', {
      end_time: '2026-11-28T10:30:00+01:00',
    });
    expect(((await ended.json()) as Session).end_time).toBe('2026-11-28T09:30:00.000Z');

    const flow = await call(user, '/api/flow/detect', 'POST', {
      keystroke_intervals: [100, 120],
      context_switches: 0,
      error_events: 0,
      window_focus_duration: 1000,
      file_modifications: 0,
      timestamp: '2026-11-28T09:00:00Z',
    });
    expect(flow.status).toBe(200);
  });

  it('reads a history day in the time zone set through PUT /api/me/timezone', async () => {
    const user = await signUp(server.url);
    // 23:30 on the 27th and 00:30 on the 28th in Tokyo (UTC+9); both on the 27th in UTC.
    const late = await start(user, { start_time: '2026-11-27T14:30:00Z' });
    const early = await start(user, { start_time: '2026-11-27T15:30:00Z' });
    const day = async () => {
      const response = await call(user, '/api/sessions/history?start=2026-11-28&end=2026-11-28');
      expect(response.status).toBe(200);
      return ((await response.json()) as { sessions: Session[] }).sessions.map((s) => s.id);
    };
    expect(await day()).toEqual([]);

    const refused = await call(user, '/api/me/timezone', 'PUT', { timezone: 'Mars/Olympus_Mons' });
    expect(refused.status).toBe(400);
    const set = await call(user, '/api/me/timezone', 'PUT', { timezone: 'Asia/Tokyo' });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { timezone: string }).timezone).toBe('Asia/Tokyo');
    const me = (await (await call(user, '/api/me')).json()) as { timezone: string };
    expect(me.timezone).toBe('Asia/Tokyo');

    expect(await day()).toEqual([early.id]);
    const epochRange = await call(
      user,
      `/api/sessions/history?start=${Date.parse('2026-11-27T14:00:00Z')}&end=2026-11-27T15:00:00Z`,
    );
    const ids = ((await epochRange.json()) as { sessions: Session[] }).sessions.map((s) => s.id);
    expect(ids).toEqual([late.id]);
  });

  it('refuses a non-JSON body with 415 naming the type, and creates nothing', async () => {
    const user = await signUp(server.url);
    const response = await fetch(`${server.url}/api/sessions/start`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'language=typescript',
    });
    expect(response.status).toBe(415);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.message).toContain('application/json');
    const history = (await (await call(user, '/api/sessions/history')).json()) as {
      sessions: unknown[];
    };
    expect(history.sessions).toEqual([]);
  });

  it('accepts snake_case on sign-in and answers snake_case user fields too', async () => {
    const user = await signUp(server.url);
    const signIn = (extra: Record<string, unknown>) =>
      fetch(`${server.url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: user.password, ...extra }),
      });
    const remembered = await signIn({});
    expect(remembered.headers.getSetCookie().join(';')).not.toContain('dont_remember');
    const forgotten = await signIn({ remember_me: false });
    expect(forgotten.status).toBe(200);
    expect(forgotten.headers.getSetCookie().join(';')).toContain('dont_remember');
    const body = (await forgotten.json()) as { user: Record<string, unknown> };
    expect(body.user.subscription_tier).toBe('free');
    expect(body.user.subscriptionTier).toBe('free');
    expect(body.user.email_verified).toBe(false);
    expect(typeof body.user.created_at).toBe('string');
  });

  it('says why project_path is null', async () => {
    const user = await signUp(server.url);
    const hidden = await start(user, { project_path: '/home/ada/secret-project' });
    expect(hidden.project_path).toBeNull();
    expect(hidden.project_path_hidden_reason).toBe('sync_project_paths_off');
    const history = (await (await call(user, '/api/sessions/history')).json()) as {
      sessions: Session[];
    };
    expect(history.sessions[0]!.project_path_hidden_reason).toBe('sync_project_paths_off');

    const put = await call(user, '/api/privacy/settings', 'PUT', { sync_project_paths: true });
    expect(put.status).toBe(200);
    const shown = await start(user, { project_path: '/home/ada/open-project' });
    expect(shown.project_path).toBe('/home/ada/open-project');
    expect(shown.project_path_hidden_reason).toBeNull();
  });
});
