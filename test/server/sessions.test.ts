import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RECOMMENDATIONS, UserDoc, userDocName } from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { insightsJob } from '../../server/src/insights/insights-job';
import {
  connectReplica,
  endedSessionWithFlow,
  startSyncServer,
  synced,
  waitFor,
} from './sync-helpers';

const SESSION_FIELDS = [
  'id',
  'user_id',
  'start_time',
  'end_time',
  'total_duration_ms',
  'active_duration_ms',
  'files_modified',
  'keystrokes',
  'lines_added',
  'lines_deleted',
  'language_breakdown',
  'project_path',
  'environment_data',
  'flow_state_periods',
  'interruption_count',
  'error_rate',
  'focus_score',
  'created_at',
];

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

function activity(i: number, overrides: Record<string, unknown> = {}) {
  return {
    keystroke_intervals: Array.from({ length: 40 }, (_, k) => 150 + ((k * 7) % 30)),
    context_switches: 0,
    error_events: 0,
    focus_duration: 60_000 * (i + 1),
    file_modifications: 1,
    keystrokes: 40,
    lines_added: 3,
    lines_deleted: 1,
    language: 'typescript',
    timestamp: T0 + (i + 1) * 30_000,
    ...overrides,
  };
}

describeEachStore('sessions over REST', (store) => {
  let server: RunningServer;
  let user: TestUser;
  const call = (path: string, method = 'GET', body?: unknown, who: TestUser = user) =>
    authedFetch(server.url, who.token, path, { method, body });

  beforeAll(async () => {
    server = await startSyncServer(store());
    user = await signUp(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('starts, updates with deltas, ends idempotently, and serves it from history', async () => {
    const started = await call('/api/sessions/start', 'POST', {
      project_path: '/secret/project',
      language: 'typescript',
      device_id: 'laptop',
      start_time: new Date(T0).toISOString(),
    });
    expect(started.status).toBe(201);
    const session = await started.json();
    expect(Object.keys(session)).toEqual(expect.arrayContaining(SESSION_FIELDS));
    expect(session).toMatchObject({
      user_id: user.id,
      start_time: new Date(T0).toISOString(),
      end_time: null,
    });
    // Default privacy settings keep project paths on the device.
    expect(session.project_path).toBeNull();

    for (let i = 0; i < 12; i++) {
      const response = await call(`/api/sessions/${session.id}/update`, 'PUT', {
        ...activity(i),
        user_id: 'someone-else',
      });
      expect(response.status).toBe(200);
      const result = await response.json();
      expect(Object.keys(result).sort()).toEqual(
        [
          'confidence',
          'flow_duration_ms',
          'flow_intensity',
          'is_in_flow',
          'recommendations',
        ].sort(),
      );
      expect(result.flow_intensity).toBeGreaterThanOrEqual(0);
      expect(result.flow_intensity).toBeLessThanOrEqual(1);
    }
    const endTime = new Date(T0 + 13 * 30_000).toISOString();
    const ended = await call(`/api/sessions/${session.id}/end`, 'POST', { end_time: endTime });
    expect(ended.status).toBe(200);
    const summary = await ended.json();
    expect(summary).toMatchObject({
      id: session.id,
      user_id: user.id,
      end_time: endTime,
      keystrokes: 480,
      lines_added: 36,
      lines_deleted: 12,
      files_modified: 12,
      total_duration_ms: 13 * 30_000,
    });
    expect(summary.active_duration_ms).toBeGreaterThan(0);
    expect(summary.language_breakdown.typescript).toBeGreaterThan(0);
    expect(summary.focus_score).toBeGreaterThan(0);

    const again = await call(`/api/sessions/${session.id}/end`, 'POST', {
      end_time: new Date(T0 + 99 * 60_000).toISOString(),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(summary);

    const history = await (await call('/api/sessions/history')).json();
    expect(history.sessions.find((s: { id: string }) => s.id === session.id)).toEqual(summary);
    const { rows } = await store().pool.query(
      'SELECT user_id::text FROM coding_sessions WHERE id = $1',
      [session.id],
    );
    expect(rows).toEqual([{ user_id: user.id }]);
  });

  it('paginates history newest first with a keyset cursor', async () => {
    const someone = await signUp(server.url);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await call(
        '/api/sessions/start',
        'POST',
        { start_time: new Date(T0 + i * 3600_000).toISOString() },
        someone,
      );
      ids.push((await response.json()).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/sessions/history?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await (await call(query, 'GET', undefined, someone)).json();
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...page.sessions.map((s: { id: string }) => s.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const windowed = await (
      await call(
        `/api/sessions/history?start=${new Date(T0 + 3600_000).toISOString()}&end=${new Date(T0 + 3 * 3600_000).toISOString()}`,
        'GET',
        undefined,
        someone,
      )
    ).json();
    expect(windowed.sessions.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    expect(
      (await call('/api/sessions/history?cursor=nonsense', 'GET', undefined, someone)).status,
    ).toBe(400);
  });

  it("answers another user's session with 404 and bad bodies with 400 listing the fields", async () => {
    const mine = await (await call('/api/sessions/start', 'POST', {})).json();
    const other = await signUp(server.url);
    expect((await call(`/api/sessions/${mine.id}/update`, 'PUT', activity(0), other)).status).toBe(
      404,
    );
    expect((await call(`/api/sessions/${mine.id}/end`, 'POST', {}, other)).status).toBe(404);
    expect((await call(`/api/sessions/not-a-uuid/end`, 'POST', {})).status).toBe(404);
    const bad = await call(`/api/sessions/${mine.id}/update`, 'PUT', {
      ...activity(0),
      keystroke_intervals: [1, -5],
      keystrokes: 'many',
    });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe('validation_error');
    const fields = body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['keystroke_intervals.1', 'keystrokes']));
    expect((await call('/api/sessions/start', 'POST', { start_time: 'yesterday' })).status).toBe(
      400,
    );
    expect((await fetch(`${server.url}/api/sessions/history`)).status).toBe(401);
  });

  it('stores project paths encrypted when the user allows syncing them', async () => {
    const allowed = await signUp(server.url);
    await server.ctx.registry.write(allowed.id, (doc) =>
      doc.updateSettings({ sync_project_paths: true }),
    );
    const session = await (
      await call('/api/sessions/start', 'POST', { project_path: '/home/me/app' }, allowed)
    ).json();
    expect(session.project_path).toBe('/home/me/app');
    const { rows } = await store().pool.query(
      'SELECT project_path FROM coding_sessions WHERE id = $1',
      [session.id],
    );
    expect(rows[0].project_path).toMatch(/^mc1\./);
  });

  it('returns the durable update before answering: the REST write is already in the log and the replica', async () => {
    const replica = connectReplica(server.url, user);
    try {
      await synced(replica);
      const session = await (await call('/api/sessions/start', 'POST', {})).json();
      const response = await call(
        `/api/sessions/${session.id}/update`,
        'PUT',
        activity(0, { keystrokes: 7 }),
      );
      expect(response.status).toBe(200);
      // Already in the log when the answer arrives: replay the log alone.
      const { updates } = await server.ctx.documentLog.load(userDocName(user.id), 1);
      const replayed = new Y.Doc();
      for (const entry of updates) Y.applyUpdate(replayed, entry.update);
      expect(new UserDoc(replayed).getSession(session.id)?.keystrokes).toBe(7);
      await waitFor(
        () => new UserDoc(replica.doc).getSession(session.id)?.keystrokes === 7,
        'the replica to see the update',
      );
    } finally {
      replica.destroy();
    }
  });

  it('detects flow, and serves patterns and insights', async () => {
    const detect = await call('/api/flow/detect', 'POST', {
      session_id: 'abc',
      keystroke_intervals: [150, 160, 170, 150, 160, 155],
      context_switches: 1,
      error_events: 0,
      window_focus_duration: 600_000,
      file_modifications: 2,
      timestamp: T0,
    });
    expect(detect.status).toBe(200);
    expect(await detect.json()).toMatchObject({
      is_in_flow: expect.any(Boolean),
      recommendations: expect.any(Array),
    });
    expect((await call('/api/flow/detect', 'POST', { keystroke_intervals: [NaN] })).status).toBe(
      400,
    );
    const patterns = await (await call('/api/flow/patterns')).json();
    expect(patterns).toHaveProperty('session_count');
    const insights = await (await call('/api/flow/insights')).json();
    expect(Array.isArray(insights.insights)).toBe(true);
  });

  it('precomputes user_insights in the job and serves them', async () => {
    const analyst = await signUp(server.url);
    // Recent days: patterns look back over the last months only.
    const today = new Date();
    const firstDay = Date.UTC(
      today.getUTCFullYear(),
      today.getUTCMonth(),
      today.getUTCDate() - 20,
      9,
    );
    await server.ctx.registry.write(analyst.id, (doc) => {
      for (let day = 0; day < 12; day++) {
        doc.putSession(
          endedSessionWithFlow(firstDay + day * 86_400_000, { minutes: 90, activeMinutes: 80 }),
        );
      }
    });
    await server.ctx.projection.reconcileNow(analyst.id);
    const outcome = await server.ctx.jobs.runNow(insightsJob());
    expect(outcome).toEqual({ ran: true });
    const { rows } = await store().pool.query(
      'SELECT insight_type FROM user_insights WHERE user_id = $1 AND is_active',
      [analyst.id],
    );
    expect(rows.map((r) => r.insight_type)).toContain('peak_hours');
    const served = await (await call('/api/flow/insights', 'GET', undefined, analyst)).json();
    expect(served.insights.map((i: { insight_type: string }) => i.insight_type).sort()).toEqual(
      rows.map((r) => r.insight_type).sort(),
    );
    expect(served.insights[0]).toMatchObject({
      confidence_score: expect.any(Number),
      date_range_start: new Date(firstDay).toISOString().slice(0, 10),
      date_range_end: new Date(firstDay + 11 * 86_400_000).toISOString().slice(0, 10),
    });
    const patterns = await (await call('/api/flow/patterns', 'GET', undefined, analyst)).json();
    expect(patterns).toMatchObject({ session_count: 12, peak_hours_of_day: [9] });
  });

  it("recommends protecting the user's peak hour, from their stored sessions, only during it", async () => {
    const DAY = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const today = new Date();
    // 09:00 UTC a week ago; patterns look back over recent months only.
    const lastWeek = Date.UTC(
      today.getUTCFullYear(),
      today.getUTCMonth(),
      today.getUTCDate() - 7,
      9,
    );
    /** `weeks` weekly sessions with flow 09:10–09:50 UTC on the same weekday. */
    const regularAt = async (weeks: number) => {
      // Tokyo (UTC+9, no DST): peak hours are local, so the user's time zone is read.
      const someone = await signUp(server.url, { timezone: 'Asia/Tokyo' });
      await server.ctx.registry.write(someone.id, (doc) => {
        for (let week = 0; week < weeks; week++) {
          doc.putSession(endedSessionWithFlow(lastWeek - week * 7 * DAY));
        }
      });
      await server.ctx.projection.reconcileNow(someone.id);
      return someone;
    };
    /** Recommendations for a leaky update (3 context switches) at `t` in a new session. */
    const adviceAt = async (who: TestUser, times: number[]) => {
      const session = await (
        await call('/api/sessions/start', 'POST', { start_time: iso(times[0] - 60_000) }, who)
      ).json();
      const out: string[][] = [];
      for (const t of times) {
        const response = await call(
          `/api/sessions/${session.id}/update`,
          'PUT',
          activity(0, { timestamp: t, context_switches: 3 }),
          who,
        );
        expect(response.status).toBe(200);
        out.push((await response.json()).recommendations);
      }
      return out;
    };
    const peak = lastWeek + 7 * DAY + 30 * 60_000; // the same hour of the week, this week
    const regular = await regularAt(10);
    const patterns = await (await call('/api/flow/patterns', 'GET', undefined, regular)).json();
    expect(patterns.peak_hours).toHaveLength(1);
    const [inside, later] = await adviceAt(regular, [peak, peak + 2 * 3600_000]);
    expect(inside).toContain(RECOMMENDATIONS.protectPeakHour);
    expect(later).not.toContain(RECOMMENDATIONS.protectPeakHour);
    // Nine sessions are below the patterns' minimum: no peak hour is claimed, no advice given.
    const newcomer = await regularAt(9);
    const [thin] = await adviceAt(newcomer, [peak]);
    expect(thin).not.toContain(RECOMMENDATIONS.protectPeakHour);
  });
});
