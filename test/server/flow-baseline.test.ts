import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { sessionEntry, startSyncServer } from './sync-helpers';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** Steady typing at 550 ms a key: slower than the seed's 100–500 ms "flow" band. */
const SLOW_STEADY = Array.from({ length: 40 }, (_, k) => 540 + (k % 3) * 10);

describeEachStore('the personal baseline on the REST routes', (store) => {
  let server: RunningServer;
  let typist: TestUser;
  let fresh: TestUser;
  const call = (who: TestUser, path: string, method: string, body: unknown) =>
    authedFetch(server.url, who.token, path, { method, body });

  beforeAll(async () => {
    server = await startSyncServer(store());
    typist = await signUp(server.url);
    fresh = await signUp(server.url);
    // Enough history for the server's baseline: ≥ 5 ended sessions with a keystroke rate and
    // ≥ 10 flow states whose rhythm summary says this person types steadily at 550 ms.
    await server.ctx.registry.write(typist.id, (doc) => {
      for (let day = 0; day < 6; day++) {
        const start = T0 - (day + 1) * 86_400_000;
        const session = sessionEntry({
          start_time: iso(start),
          end_time: iso(start + 40 * 60_000),
          total_duration_ms: 40 * 60_000,
          active_duration_ms: 30 * 60_000,
          keystrokes: 30 * 100,
          updated_at: iso(start + 40 * 60_000),
        });
        doc.putSession(session);
        for (let k = 0; k < 2; k++) {
          doc.putFlowState({
            id: randomUUID(),
            session_id: session.id,
            start_time: iso(start + (5 + k * 15) * 60_000),
            end_time: iso(start + (15 + k * 15) * 60_000),
            duration_ms: 10 * 60_000,
            intensity_score: 0.8,
            context_switches: 0,
            recovery_time_ms: null,
            typing_rhythm_data: { mean_interval_ms: 550, coefficient_of_variation: 0.1 },
            error_events: { count: 0 },
            environmental_factors: null,
          });
        }
      }
    });
    await server.ctx.projection.reconcileNow(typist.id);
  });
  afterAll(async () => {
    await server?.close();
  });

  type Result = { is_in_flow: boolean; flow_intensity: number };

  /** The same slow, steady, undistracted minute and a half, through `PUT /api/sessions/:id/update`. */
  async function throughSessions(who: TestUser) {
    const session = await (
      await call(who, '/api/sessions/start', 'POST', { start_time: iso(T0) })
    ).json();
    const results: Result[] = [];
    for (let i = 1; i <= 4; i++) {
      const response = await call(who, `/api/sessions/${session.id}/update`, 'PUT', {
        keystroke_intervals: SLOW_STEADY,
        context_switches: 0,
        error_events: 0,
        focus_duration: 0,
        file_modifications: 1,
        keystrokes: SLOW_STEADY.length,
        lines_added: 1,
        lines_deleted: 0,
        timestamp: T0 + i * 30_000,
      });
      expect(response.status).toBe(200);
      results.push(await response.json());
    }
    return results;
  }

  /** The same inputs through `POST /api/flow/detect`. */
  async function throughDetect(who: TestUser) {
    const results: Result[] = [];
    for (let i = 1; i <= 4; i++) {
      const response = await call(who, '/api/flow/detect', 'POST', {
        session_id: 'slow-steady',
        keystroke_intervals: SLOW_STEADY,
        context_switches: 0,
        error_events: 0,
        window_focus_duration: 0,
        file_modifications: 1,
        timestamp: T0 + i * 30_000,
      });
      expect(response.status).toBe(200);
      results.push(await response.json());
    }
    return results;
  }

  for (const [route, run] of [
    ['PUT /api/sessions/:id/update', throughSessions],
    ['POST /api/flow/detect', throughDetect],
  ] as const) {
    it(`${route}: a slow steady typist is in flow, new or known; history sets their pace from the first update`, async () => {
      // The default model judges typing against the person's own pace: a new user's pace is
      // learned within the session (the seed heuristic never called 550 ms a key flow for them).
      const stranger = await run(fresh);
      expect(stranger.at(-1)!.is_in_flow).toBe(true);
      const known = await run(typist);
      expect(known.at(-1)!.is_in_flow).toBe(true);
      // Before any typing of this session is known, the stranger is judged against the
      // population's 240 ms and the typist against their own 550 ms: the baseline personalises.
      expect(known[0].flow_intensity).toBeGreaterThan(stranger[0].flow_intensity + 0.05);
    });
  }
});
