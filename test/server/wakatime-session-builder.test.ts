import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIVACY_SETTINGS, type SessionEntry } from '@mindful/shared';
import { sessionIdFor } from '../../server/src/wakatime/heartbeat-store';
import { parseUserAgent } from '../../server/src/wakatime/heartbeat-input';
import { buildSessions, type HeartbeatPoint } from '../../server/src/wakatime/session-builder';

const MIN = 60_000;
const options = (overrides: Partial<Parameters<typeof buildSessions>[1]> = {}) => ({
  idleTimeoutMs: 15 * MIN,
  timeZone: 'UTC',
  settings: { ...DEFAULT_PRIVACY_SETTINGS, sync_project_paths: true },
  sessionId: (stream: string, start: number) => sessionIdFor('u', stream, start),
  keystrokeCovered: [],
  now: new Date('2026-03-01T00:00:00Z'),
  ...overrides,
});
const point = (timeMs: number, overrides: Partial<HeartbeatPoint> = {}): HeartbeatPoint => ({
  timeMs,
  editor: 'vscode',
  machine: 'box',
  project: 'mindful',
  category: 'coding',
  language: 'TypeScript',
  isWrite: false,
  entityKey: 'e',
  ...overrides,
});
const total = (sessions: SessionEntry[]) =>
  sessions.reduce((sum, s) => sum + (s.total_duration_ms ?? 0), 0);

describe('WakaTime heartbeats into sessions', () => {
  const t0 = Date.UTC(2026, 2, 2, 9);

  it('credits the gap before a project change to the session before it', () => {
    const sessions = buildSessions(
      [
        point(t0),
        point(t0 + 2 * MIN),
        point(t0 + 5 * MIN, { project: 'other' }),
        point(t0 + 6 * MIN, { project: 'other' }),
      ],
      options(),
    );
    expect(sessions.map((s) => [s.project_path, s.total_duration_ms])).toEqual([
      ['mindful', 5 * MIN],
      ['other', 1 * MIN],
    ]);
  });

  it("splits at the user's local midnight, each half on its own day, nothing lost", () => {
    // 23:50 to 00:10 in Paris (UTC+1 in March before the change).
    const start = Date.UTC(2026, 2, 2, 22, 50);
    const points = [0, 5, 10, 15, 20].map((m) => point(start + m * MIN));
    const sessions = buildSessions(points, options({ timeZone: 'Europe/Paris' }));
    expect(sessions.map((s) => [s.start_time, s.end_time])).toEqual([
      ['2026-03-02T22:50:00.000Z', '2026-03-02T23:00:00.000Z'],
      ['2026-03-02T23:00:00.000Z', '2026-03-02T23:10:00.000Z'],
    ]);
    expect(total(sessions)).toBe(20 * MIN);
  });

  it('keeps editors and machines apart, and a lone heartbeat makes no session', () => {
    const sessions = buildSessions(
      [
        point(t0),
        point(t0 + MIN),
        point(t0 + 30 * 1000, { editor: 'vim' }),
        point(t0 + 90 * 1000, { editor: 'vim' }),
        point(t0 + 3 * 3600 * 1000),
      ],
      options(),
    );
    expect(sessions.map((s) => [s.editor, s.total_duration_ms])).toEqual([
      ['vscode', MIN],
      ['vim', MIN],
    ]);
  });

  it('reads 20 unbroken minutes as coarse flow, never where keystroke detection ran', () => {
    const run = (minutes: number) =>
      Array.from({ length: minutes + 1 }, (_, i) => point(t0 + i * MIN));
    expect(buildSessions(run(19), options())[0]!.flow_state_periods).toEqual([]);
    const flow = buildSessions(run(25), options())[0]!.flow_state_periods;
    expect(flow).toEqual([expect.objectContaining({ signal: 'coarse', duration_ms: 25 * MIN })]);
    const covered = buildSessions(
      run(25),
      options({ keystrokeCovered: [{ start: t0 + 10 * MIN, end: t0 + 11 * MIN }] }),
    );
    expect(covered[0]!.flow_state_periods).toEqual([]);
  });

  it('keeps the project name only when the user allows it, languages only when tracked', () => {
    const points = [point(t0), point(t0 + MIN)];
    const [shy] = buildSessions(points, options({ settings: DEFAULT_PRIVACY_SETTINGS }));
    expect(shy!.project_path).toBeNull();
    const [noLanguages] = buildSessions(
      points,
      options({ settings: { ...DEFAULT_PRIVACY_SETTINGS, track_languages: false } }),
    );
    expect(noLanguages!.language_breakdown).toEqual({});
  });

  it('gives the same sessions and ids whatever order heartbeats arrive in', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 90 }),
            editor: fc.constantFrom('vscode', 'vim'),
            project: fc.constantFrom('a', 'b'),
            language: fc.constantFrom('Go', 'TypeScript', null),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer(),
        (raw, seed) => {
          // From 23:15: a run may cross midnight.
          const points = raw.map((r) => point(Date.UTC(2026, 2, 2, 23, 15) + r.minute * MIN, r));
          // A seeded Fisher-Yates shuffle: any permutation, ties included.
          const shuffled = [...points];
          let state = seed >>> 0;
          for (let i = shuffled.length - 1; i > 0; i--) {
            state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
            const j = state % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const a = buildSessions(points, options());
          expect(buildSessions(shuffled, options())).toEqual(a);
          // Every session is one local day, and the breakdown covers its time.
          for (const s of a) {
            expect(s.start_time.slice(0, 10)).toBe(
              new Date(Date.parse(s.end_time!) - 1).toISOString().slice(0, 10),
            );
            const languages = Object.values(s.language_breakdown).reduce((x, y) => x + y, 0);
            expect(languages).toBe(s.total_duration_ms);
          }
        },
      ),
    );
  });

  it('reads editor and plugin from wakatime-cli User-Agents', () => {
    expect(
      parseUserAgent('wakatime/v1.102.1 (linux-6.1) go1.22 vscode/1.95.0 vscode-wakatime/24.6.0'),
    ).toEqual({
      editor: 'vscode',
      plugin: 'vscode-wakatime/24.6.0',
    });
    expect(
      parseUserAgent('wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 vim/9.1 vim-wakatime/11.1.1'),
    ).toEqual({
      editor: 'vim',
      plugin: 'vim-wakatime/11.1.1',
    });
    expect(parseUserAgent('curl/8.5.0')).toEqual({ editor: 'curl', plugin: 'curl/8.5.0' });
    expect(parseUserAgent(null)).toEqual({ editor: null, plugin: null });
  });
});
