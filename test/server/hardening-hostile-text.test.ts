import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  flowStateEntrySchema,
  InvalidEntryError,
  sessionActivityUpdateSchema,
  sessionEntrySchema,
  UserDoc,
} from '@mindful/shared';
import type { RunningServer } from '@mindful/server';
import { describeEachStore } from '../helpers/databases';
import { authedFetch, signUp, type TestUser } from '../helpers/test-server';
import { connectReplica, sessionEntry, startSyncServer, synced, waitFor } from './sync-helpers';

const NUL = 'a\u0000b';
const LONE_HIGH = 'x\uD800y';
const LONE_LOW = '\uDC00';

describeEachStore(
  'hardening: text PostgreSQL cannot store is refused, naming the field',
  (store) => {
    let server: RunningServer;
    let user: TestUser;
    beforeAll(async () => {
      server = await startSyncServer(store());
      user = await signUp(server.url);
      await store().pool.query(`UPDATE users SET subscription_tier = 'team' WHERE id = $1`, [
        user.id,
      ]);
    });
    afterAll(async () => {
      await server?.close();
    });

    const expect400Naming = async (response: Response, field: string) => {
      const body = (await response.json()) as {
        error: { code: string; details: { field: string; message: string }[] };
      };
      expect({ status: response.status, code: body.error.code }).toEqual({
        status: 400,
        code: 'validation_error',
      });
      expect(body.error.details.map((problem) => problem.field)).toContain(field);
      expect(body.error.details.find((problem) => problem.field === field)?.message).toMatch(
        /NUL|surrogate/,
      );
    };

    it('session start: device_id, language and project_path', async () => {
      for (const [field, value] of [
        ['device_id', NUL],
        ['device_id', LONE_HIGH],
        ['language', NUL],
        ['language', LONE_LOW],
        ['project_path', NUL],
      ] as const) {
        const response = await authedFetch(server.url, user.token, '/api/sessions/start', {
          method: 'POST',
          body: { [field]: value },
        });
        await expect400Naming(response, field);
      }
    });

    it('session update: language; and a clean session still reaches coding_sessions', async () => {
      const started = await authedFetch(server.url, user.token, '/api/sessions/start', {
        method: 'POST',
        body: { language: 'typescript', device_id: 'laptop' },
      });
      expect(started.status).toBe(201);
      const { id } = (await started.json()) as { id: string };
      const update = (language: string) =>
        authedFetch(server.url, user.token, `/api/sessions/${id}/update`, {
          method: 'PUT',
          body: {
            keystroke_intervals: [150, 160],
            context_switches: 0,
            error_events: 0,
            focus_duration: 10_000,
            file_modifications: 1,
            keystrokes: 2,
            lines_added: 1,
            language,
          },
        });
      await expect400Naming(await update(NUL), 'language');
      await expect400Naming(await update(LONE_HIGH), 'language');
      expect((await update('rust')).status).toBe(200);
      await waitFor(
        async () =>
          (
            await store().pool.query(
              `SELECT 1 FROM coding_sessions WHERE id = $1 AND language_breakdown ? 'rust'`,
              [id],
            )
          ).rowCount === 1,
        'the session row with its later update',
      );
    });

    it('team name', async () => {
      for (const name of [NUL, LONE_HIGH]) {
        const response = await authedFetch(server.url, user.token, '/api/teams', {
          method: 'POST',
          body: { name },
        });
        await expect400Naming(response, 'name');
      }
    });

    it('a privacy-settings key named after an Object.prototype member cannot brick the account', async () => {
      const victim = await signUp(server.url);
      const doc = new Y.Doc();
      const replica = connectReplica(server.url, victim, { doc });
      try {
        await synced(replica);
        // Written straight into the settings map, as a hostile replica would.
        doc.transact(() => {
          const settings = doc.getMap('settings');
          for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
            settings.set(key, { polluted: true });
          }
          settings.set('retention_days', 90);
        });
        const session = sessionEntry();
        new UserDoc(doc).putSession(session);
        // Reconciliation still works: the session reaches its table, settings mirror too.
        await waitFor(
          async () =>
            (await store().pool.query('SELECT 1 FROM coding_sessions WHERE id = $1', [session.id]))
              .rowCount === 1,
          'the session written after the poisoned keys to be reconciled',
        );
      } finally {
        replica.destroy();
      }
      const get = await authedFetch(server.url, victim.token, '/api/privacy/settings');
      expect(get.status).toBe(200);
      const settings = (await get.json()) as Record<string, unknown>;
      expect(settings.retention_days).toBe(90);
      expect(Object.keys(settings)).not.toContain('constructor');
      expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
      const put = await authedFetch(server.url, victim.token, '/api/privacy/settings', {
        method: 'PUT',
        body: { retention_days: 30 },
      });
      expect(put.status).toBe(200);
      const start = await authedFetch(server.url, victim.token, '/api/sessions/start', {
        method: 'POST',
        body: {},
      });
      expect(start.status).toBe(201);
      const exported = await authedFetch(server.url, victim.token, '/api/privacy/export');
      expect(exported.status).toBe(200);
      await exported.arrayBuffer();
    });
  },
);

it('the shared schemas, and so the SDK, refuse such text and oversize or unknown fields', () => {
  const bad = [
    sessionEntry({ device_id: NUL }),
    sessionEntry({ project_path: LONE_HIGH }),
    sessionEntry({ language_breakdown: { [NUL]: 10 } }),
    sessionEntry({ environment_data: { editor: { nested: [LONE_LOW] } } }),
    sessionEntry({ environment_data: { [LONE_HIGH]: 1 } }),
  ];
  for (const entry of bad) {
    expect(sessionEntrySchema.safeParse(entry).success).toBe(false);
    expect(() => new UserDoc(new Y.Doc()).putSession(entry)).toThrow(InvalidEntryError);
  }
  expect(
    sessionActivityUpdateSchema.safeParse({
      timestamp: Date.UTC(2026, 0, 5),
      keystroke_intervals: [],
      context_switches: 0,
      error_events: 0,
      focus_duration: 0,
      file_modifications: 0,
      keystrokes: 0,
      lines_added: 0,
      language: NUL,
    }).success,
  ).toBe(false);

  const flow = {
    id: '00000000-0000-4000-8000-000000000001',
    session_id: '00000000-0000-4000-8000-000000000002',
    start_time: '2026-01-05T09:00:00.000Z',
    end_time: null,
    duration_ms: null,
    intensity_score: 0.5,
    context_switches: 0,
    recovery_time_ms: null,
    typing_rhythm_data: null,
    error_events: { count: 1, kinds: ['type'], last: 'TS2322' },
    environmental_factors: null,
  };
  expect(flowStateEntrySchema.safeParse(flow).success).toBe(true);
  // An extra field of any size used to pass through, and was stored and exported.
  expect(
    flowStateEntrySchema.safeParse({
      ...flow,
      error_events: { count: 1, junk: 'x'.repeat(2 * 1024 * 1024) },
    }).success,
  ).toBe(false);
  expect(
    flowStateEntrySchema.safeParse({ ...flow, error_events: { count: 1, last: 'x'.repeat(501) } })
      .success,
  ).toBe(false);
  expect(
    flowStateEntrySchema.safeParse({
      ...flow,
      error_events: { count: 1, kinds: Array.from({ length: 33 }, () => 'k') },
    }).success,
  ).toBe(false);
  expect(
    sessionEntrySchema.safeParse(
      sessionEntry({
        flow_state_periods: [
          {
            start_time: '2026-01-05T09:00:00.000Z',
            end_time: '2026-01-05T09:10:00.000Z',
            duration_ms: 600_000,
            intensity: 0.7,
            junk: 'x'.repeat(100_000),
          } as never,
        ],
      }),
    ).success,
  ).toBe(false);
});
