// The range queries read only the sessions whose extent (span and flow periods) meets the range,
// then filter them as before: the answers must be those over every session. Sessions here are
// adversarial — flow periods before the session's start and after its end, open sessions with
// and without a recorded length, zero-length sessions, times a millisecond off each other and on
// day boundaries — and the ranges start and end on those very instants.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEntry } from '@mindful/shared';
import {
  createMindfulClient,
  InvalidQueryError,
  openPgliteReplicaStore,
  type MindfulClient,
  type ReplicaStore,
  type SessionRecord,
} from '@mindful/client-sdk';
import {
  dailyTotalsInRange,
  flowPeriodsInRange,
  sessionsInRange,
  type DayRange,
  type TimeRange,
} from '../../client-sdk/src/query/range-queries';
import { endedSessionWithFlow, sessionEntry } from '../server/sync-helpers';
import { recording } from './helpers/recording-store';

const USER = '6b0e3f1a-7c2d-4e9b-8a5f-1d3c5e7a9b2d';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The adversarial sessions sit around here (Paris moves to summer time on the 29th). */
const T0 = Date.parse('2026-03-25T00:00:00Z');
/** A year of plain sessions, one a day at 09:00 UTC, far from the adversarial ones. */
const YEAR = Date.parse('2025-01-01T09:00:00Z');
const SEED = Number(process.env.RANGE_SEED ?? Date.now() % 2 ** 31);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * An instant near T0 on a 30-minute grid (midnight in UTC, Paris, Kolkata and St John's is on it,
 * Chatham's at +13:45 is not), often 1 ms off, and sometimes with digits below the millisecond
 * (`finer`), as any replica may write them: `…9996` after a `.999` is rounded up to the next
 * millisecond by a TIMESTAMPTZ column.
 */
const gridInstant = fc
  .tuple(
    fc.integer({ min: -2 * 48, max: 12 * 48 }),
    fc.constantFrom(
      { ms: 0, finer: '' },
      { ms: 0, finer: '' },
      { ms: 0, finer: '' },
      { ms: 1, finer: '' },
      { ms: -1, finer: '' },
      { ms: 29_999, finer: '' },
      { ms: 0, finer: '4' },
      { ms: -1, finer: '9996' },
      { ms: 999, finer: '9996' },
    ),
  )
  .map(([slots, jitter]) => ({ ms: T0 + slots * 30 * MINUTE + jitter.ms, finer: jitter.finer }));
const gridMs = gridInstant.map((t) => t.ms);

/** ISO text of `ms` with `finer` digits appended to its milliseconds. */
function isoFine(ms: number, finer: string): string {
  return `${iso(ms).slice(0, -1)}${finer}Z`;
}

const duration = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 3 * DAY }),
  fc.constantFrom(30 * MINUTE, DAY),
);

const flowPeriod = fc
  .record({
    offset: fc.integer({ min: -2 * DAY, max: 4 * DAY }),
    length: fc.oneof(fc.constant(0), fc.integer({ min: -HOUR, max: 6 * HOUR })),
    onGrid: fc.boolean(),
  })
  .map(({ offset, length, onGrid }) => ({
    offset: onGrid ? offset - (offset % HOUR) : offset,
    length,
  }));

const adversarialSession = fc
  .record({
    start: gridInstant,
    kind: fc.constantFrom(
      'ended',
      'ended',
      'zero-length',
      'open-total',
      'open-active',
      'open-none',
    ),
    length: duration,
    periods: fc.array(flowPeriod, { maxLength: 3 }),
    interruptions: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ start, kind, length, periods, interruptions }): SessionEntry => {
    const startMs = start.ms;
    const at = (ms: number) => isoFine(ms, start.finer);
    return sessionEntry({
      start_time: at(startMs),
      end_time:
        kind === 'ended' ? at(startMs + length) : kind === 'zero-length' ? at(startMs) : null,
      total_duration_ms: kind === 'open-total' || kind === 'ended' ? length : null,
      active_duration_ms: kind === 'open-active' ? length : null,
      interruption_count: interruptions,
      focus_score: 0.5,
      language_breakdown: { typescript: Math.floor(length / 2) },
      flow_state_periods: periods.map((p) => ({
        start_time: iso(startMs + p.offset),
        end_time: iso(startMs + p.offset + p.length),
        duration_ms: Math.max(0, p.length),
        intensity: 0.7,
      })),
    });
  });

/** Every instant a session or its flow periods start or end at, 1 ms either side too. */
function edgesOf(sessions: readonly SessionEntry[]): number[] {
  const edges = new Set<number>();
  for (const s of sessions) {
    const times = [
      s.start_time,
      s.end_time,
      ...s.flow_state_periods.flatMap((p) => [p.start_time, p.end_time]),
    ];
    const start = Date.parse(s.start_time);
    times.push(iso(start + (s.total_duration_ms ?? s.active_duration_ms ?? 0)));
    for (const t of times) {
      if (t === null) continue;
      for (const d of [-1, 0, 1]) edges.add(Date.parse(t) + d);
    }
  }
  return [...edges];
}

function timeRange(edges: readonly number[]): fc.Arbitrary<TimeRange> {
  return fc
    .record({
      start: fc.oneof(fc.constantFrom(...edges), gridMs),
      length: fc.oneof(
        fc.constant(0),
        fc.constant(1),
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.constant(DAY),
      ),
      asText: fc.boolean(),
    })
    .map(({ start, length, asText }) =>
      asText ? { start: iso(start), end: iso(start + length) } : { start, end: start + length },
    );
}

const dayRange: fc.Arbitrary<DayRange> = fc
  .record({
    first: fc.integer({ min: -4, max: 16 }),
    days: fc.integer({ min: 0, max: 6 }),
    timeZone: fc.constantFrom(
      'UTC',
      'Europe/Paris',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'America/St_Johns',
    ),
  })
  .map(({ first, days, timeZone }) => ({
    from: iso(T0 + first * DAY).slice(0, 10),
    to: iso(T0 + (first + days) * DAY).slice(0, 10),
    timeZone,
  }));

const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-range-pruned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('range queries over the sessions the replica prunes to', () => {
  let store: ReplicaStore;
  let client: MindfulClient;
  /** Store methods called, by name. */
  const calls: string[] = [];
  const adversarial = fc.sample(adversarialSession, { seed: SEED, numRuns: 300 });
  const year = Array.from({ length: 365 }, (_, i) => endedSessionWithFlow(YEAR + i * DAY));
  // Zero-length sessions a TIMESTAMPTZ column reads back a millisecond later than `Date.parse`
  // does (it rounds to the microsecond): at midnight UTC and at 10:00 UTC on that day.
  const rounded = ['2024-06-09T23:59:59.9999996Z', '2024-06-10T09:59:59.9999996Z'].map((t) =>
    sessionEntry({ start_time: t, end_time: t, updated_at: t }),
  );
  let all: SessionRecord[];

  beforeAll(async () => {
    store = await openPgliteReplicaStore('memory://');
    client = await createMindfulClient({
      dataDir: 'memory://',
      userId: USER,
      store: recording(store, calls),
    });
    client.doc.ydoc.transact(() => {
      for (const s of [...adversarial, ...year, ...rounded]) client.doc.putSession(s);
    });
    await client.flush();
    all = await store.allSessions();
  });
  afterAll(() => client?.close());

  it('holds every session written (none rejected)', () => {
    expect(all).toHaveLength(adversarial.length + year.length + rounded.length);
  });

  it(`answers sessions and flow periods as a filter over every session would (seed ${SEED})`, async () => {
    const edges = edgesOf(adversarial);
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(timeRange(edges), async (range) => {
        const expected = sessionsInRange(all, range);
        if (expected.length > 0) answered += 1;
        expect(await client.query.sessions(range)).toEqual(expected);
        expect(await client.query.flowPeriods(range)).toEqual(flowPeriodsInRange(all, range));
      }),
      { seed: SEED, numRuns: 150 },
    );
    // Most ranges hold sessions: the comparison is not one of empty answers.
    expect(answered).toBeGreaterThan(75);
  });

  it(`answers daily totals as over every session would (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(dayRange, async (range) => {
        expect(await client.query.dailyTotals(range)).toEqual(
          dailyTotalsInRange(all, range, undefined),
        );
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('reads a week of a year of sessions, not the year', async () => {
    const monday = Date.parse('2025-06-02T00:00:00Z');
    const week = await store.sessionsOverlapping(monday, monday + 7 * DAY);
    const expected = year.filter((s) => {
      const start = Date.parse(s.start_time);
      return start >= monday && start < monday + 7 * DAY;
    });
    expect(week.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    expect(week).toHaveLength(7);
  });

  it('reads a session whose flow periods alone reach into the range', async () => {
    // Sessions of the adversarial set with a flow period ending a day or more after the
    // session does, looked for in the millisecond that period ends; and likewise before.
    const spanOf = (s: SessionEntry) => {
      const start = Date.parse(s.start_time);
      const end =
        s.end_time === null
          ? start + (s.total_duration_ms ?? s.active_duration_ms ?? 0)
          : Date.parse(s.end_time);
      return { start, end };
    };
    let looked = 0;
    for (const s of adversarial) {
      const { start, end } = spanOf(s);
      for (const p of s.flow_state_periods) {
        for (const t of [Date.parse(p.start_time), Date.parse(p.end_time)]) {
          if (t < end + DAY && t > start - DAY) continue;
          looked += 1;
          const ids = (await store.sessionsOverlapping(t, t)).map((r) => r.id);
          expect(ids).toContain(s.id);
        }
      }
    }
    expect(looked).toBeGreaterThan(20);
  });

  it('counts both ends of the range in (a session ending at its start, one starting at its end)', async () => {
    const day = year[40];
    const start = Date.parse(day.start_time);
    const end = Date.parse(day.end_time!);
    const ids = async (a: number, b: number) =>
      (await store.sessionsOverlapping(a, b)).map((s) => s.id);
    expect(await ids(end, end + HOUR)).toEqual([day.id]);
    expect(await ids(start - HOUR, start)).toEqual([day.id]);
    expect(await ids(end + 1, end + HOUR)).toEqual([]);
    expect(await ids(start - HOUR, start - 1)).toEqual([]);
    // Fractions of a millisecond widen the range, never narrow it.
    expect(await ids(end + 0.5, end + HOUR)).toEqual([day.id]);
    expect(await ids(start - HOUR, start - 0.5)).toEqual([day.id]);
    expect(await ids(-1e300, 1e300)).toHaveLength(all.length);
  });

  it('finds a session at the millisecond the replica reads its time as, finer digits rounded up', async () => {
    const [atMidnight, atTen] = rounded.map((s) => s.id);
    const range = { start: '2024-06-10T10:00:00.000Z', end: '2024-06-10T11:00:00.000Z' };
    expect((await client.query.sessions(range)).map((s) => s.id)).toEqual([atTen]);
    expect(await client.query.sessions(range)).toEqual(sessionsInRange(all, range));
    const day = { from: '2024-06-10', to: '2024-06-10', timeZone: 'UTC' };
    const [totals] = await client.query.dailyTotals(day);
    expect(totals.session_count).toBe(2);
    expect([totals]).toEqual(dailyTotalsInRange(all, day, undefined));
    expect(
      (
        await store.sessionsOverlapping(
          Date.parse('2024-06-10T00:00:00Z'),
          Date.parse('2024-06-10T00:00:00Z'),
        )
      ).map((s) => s.id),
    ).toEqual([atMidnight]);
  });

  it('checks a range before it reads the replica', async () => {
    calls.length = 0;
    await expect(
      client.query.dailyTotals({ from: '2026-02-30', to: '2026-03-01' }),
    ).rejects.toThrow(InvalidQueryError);
    await expect(
      client.query.dailyTotals({ from: '2026-03-01', to: '2026-03-02', timeZone: 'Mars/Olympus' }),
    ).rejects.toThrow(InvalidQueryError);
    await expect(client.query.sessions({ start: 10, end: 5 })).rejects.toThrow(InvalidQueryError);
    await expect(client.query.flowPeriods({ start: 'yesterday', end: 5 })).rejects.toThrow(
      InvalidQueryError,
    );
    expect(calls).toEqual([]);
  });
});

it('fills the extent of every row a replica wrote before it had one, on open', async () => {
  const dataDir = path.join(dir, 'replica');
  const sessions = Array.from({ length: 60 }, (_, i) => endedSessionWithFlow(YEAR + i * DAY));
  // One session whose flow period lies a month after it: only its extent finds it there.
  const stray = sessionEntry({
    start_time: iso(YEAR - 10 * DAY),
    end_time: iso(YEAR - 10 * DAY + HOUR),
    total_duration_ms: HOUR,
    flow_state_periods: [
      {
        start_time: iso(YEAR + 20 * DAY),
        end_time: iso(YEAR + 20 * DAY + HOUR),
        duration_ms: HOUR,
        intensity: 0.9,
      },
    ],
  });
  const first = await createMindfulClient({ dataDir, userId: USER });
  first.doc.ydoc.transact(() => {
    for (const s of [...sessions, stray]) first.doc.putSession(s);
  });
  await first.flush();
  await first.close();

  // Take the replica back to the schema before extents; the rows stay, marked as matching the
  // document, so nothing but the migration can make the next open rewrite them.
  const pg = await PGlite.create(dataDir);
  try {
    await pg.exec(`DROP INDEX sessions_extent_idx;
      ALTER TABLE sessions DROP COLUMN extent_start_ms, DROP COLUMN extent_end_ms;
      DELETE FROM replica_migrations WHERE version = 3;`);
    const { rows } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM replica_meta WHERE key = 'rows_match' AND value <> 'null'`,
    );
    expect(rows[0].n).toBe(1);
  } finally {
    await pg.close();
  }

  const store = await openPgliteReplicaStore(dataDir);
  const reopened = await createMindfulClient({ dataDir, userId: USER, store });
  try {
    const week = { start: iso(YEAR + 14 * DAY - 9 * HOUR), end: iso(YEAR + 21 * DAY - 9 * HOUR) };
    const all = await store.allSessions();
    expect(await reopened.query.sessions(week)).toEqual(sessionsInRange(all, week));
    expect(await reopened.query.flowPeriods(week)).toEqual(flowPeriodsInRange(all, week));
    const days = { from: '2025-01-15', to: '2025-01-21', timeZone: 'UTC' };
    expect(await reopened.query.dailyTotals(days)).toEqual(
      dailyTotalsInRange(all, days, undefined),
    );
    // The rows were rewritten with their extent: the week reads its 7 sessions and the stray one.
    const read = await store.sessionsOverlapping(Date.parse(week.start), Date.parse(week.end));
    expect(read.map((s) => s.id).sort()).toEqual(
      [stray.id, ...sessions.slice(14, 21).map((s) => s.id)].sort(),
    );
  } finally {
    await reopened.close();
  }
});
