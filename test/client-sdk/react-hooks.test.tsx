// @vitest-environment happy-dom
// The React bindings against a real in-memory PGlite replica (no mock of the SDK): sessions are
// captured through the client, and the hooks must show what the replica holds.
import {
  createMindfulClient,
  InvalidQueryError,
  type MindfulClient,
  type MindfulClientOptions,
} from '@mindful/client-sdk';
import {
  MindfulProvider,
  useDailyTotals,
  useFlowPeriods,
  useFocusHeatmap,
  useInsights,
  useMindfulClient,
  usePatterns,
  usePrivacySettings,
  useSessions,
  useSyncStatus,
} from '@mindful/client-sdk/react';
import { dailyTotals, dayWindows, fixedZoneOffset } from '@mindful/shared';
import { act, cleanup, render, renderHook, waitFor } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { workingDay } from './fixtures/working-day';

const DAY = 24 * 3_600_000;
const MONDAY = Date.parse('2026-11-23T00:00:00Z');

async function captureDay(client: MindfulClient, dayStart: number, seed: number, sessions = 1) {
  for (const planned of workingDay(dayStart + 9 * 3_600_000, { seed, sessions, minutes: 20 })) {
    await client.startSession({
      startTime: planned.start,
      language: planned.language,
      projectPath: planned.projectPath,
    });
    for (const event of planned.events) await client.recordActivity(event);
    await client.endSession(planned.end);
  }
  await client.flush();
}

describe('React bindings over a real replica', () => {
  let client: MindfulClient;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <MindfulProvider client={client}>{children}</MindfulProvider>
  );

  beforeAll(async () => {
    client = await createMindfulClient({
      dataDir: 'memory://',
      userId: crypto.randomUUID(),
      utcOffsetMinutes: 0,
    });
    await captureDay(client, MONDAY, 1);
  });
  afterEach(cleanup);
  afterAll(async () => {
    await client?.close();
  });

  it('useDailyTotals gives the shared definitions over the replica, and follows new sessions live', async () => {
    const range = { from: '2026-11-23', to: '2026-11-25', timeZone: 'UTC' };
    const { result } = renderHook(() => useDailyTotals(range), { wrapper });
    await waitFor(() => expect(result.current.data).toBeDefined());
    const expected = dailyTotals(
      (await client.history({ limit: 500 })).sessions,
      dayWindows('2026-11-23', '2026-11-25', fixedZoneOffset(0)),
    );
    expect(result.current.data).toEqual(expected);
    const monday = result.current.data![0];
    expect(monday.coding_seconds).toBeGreaterThan(15 * 60);
    expect(monday.flow_seconds).toBeGreaterThan(0);
    expect(Object.keys(monday.languages)).toContain('typescript');
    expect(monday.projects).toEqual({ '/home/dev/projects/app-0': monday.coding_seconds });
    expect(result.current.data![1].coding_seconds).toBe(0);

    await act(() => captureDay(client, MONDAY + DAY, 2));
    await waitFor(() => expect(result.current.data![1].coding_seconds).toBeGreaterThan(0));
  });

  it('re-renders only when the answer of its range changes', async () => {
    let renders = 0;
    let seen: number | undefined;
    function Day() {
      renders += 1;
      const { data } = useDailyTotals({ from: '2026-11-23', to: '2026-11-23', timeZone: 'UTC' });
      seen = data?.[0].session_count;
      return null;
    }
    let insightRenders = 0;
    let insights: unknown[] | undefined;
    function Insights() {
      insightRenders += 1;
      insights = useInsights().data;
      return null;
    }
    // A fresh range object every render must not resubscribe or loop.
    render(
      <>
        <Day />
        <Insights />
      </>,
      { wrapper },
    );
    await waitFor(() => expect(seen).toBe(1));
    await waitFor(() => expect(insights).toEqual([]));
    const settled = renders;
    const insightsSettled = insightRenders;
    let callbacks = 0;
    const off = await client.live.dailyTotals(() => (callbacks += 1), {
      from: '2026-11-23',
      to: '2026-11-23',
    });
    expect(callbacks).toBe(1);

    // A session a month away changes the sessions table (and the patterns, whose session count
    // grows) but neither this day's totals nor the insights (still too little history).
    await act(() => captureDay(client, MONDAY - 30 * DAY, 3));
    const far = await client.query.sessions({ start: MONDAY - 30 * DAY, end: MONDAY - 29 * DAY });
    expect(far).toHaveLength(1);
    const patterns = await new Promise<number>((resolve) => {
      void client.live
        .patterns((p) => {
          if (p.session_count === 3) resolve(p.session_count);
        })
        .then((stop) => stop());
    });
    expect(patterns).toBe(3);
    // Let the live queries finish their recomputation for that change before judging.
    await act(() => client.query.dailyTotals({ from: '2026-11-23', to: '2026-11-23' }));
    expect(renders).toBe(settled);
    expect(insightRenders).toBe(insightsSettled);
    expect(callbacks).toBe(1);

    await act(() => captureDay(client, MONDAY + 12 * 3_600_000, 4));
    // A session on the day changes its answer (several times while the session is captured).
    await waitFor(() => expect(seen).toBe(2));
    expect(renders).toBeGreaterThan(settled);
    expect(callbacks).toBeGreaterThan(1);
    await off();
  });

  it('useSessions and useFlowPeriods answer a time range, with interruptions marked', async () => {
    const range = { start: MONDAY, end: MONDAY + DAY };
    const { result } = renderHook(() => ({ s: useSessions(range), f: useFlowPeriods(range) }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.f.data).toBeDefined());
    const sessions = result.current.s.data!;
    expect(sessions.map((s) => s.start_time)).toEqual(
      [...sessions.map((s) => s.start_time)].sort(),
    );
    expect(sessions.every((s) => Date.parse(s.start_time) < MONDAY + DAY)).toBe(true);
    const periods = result.current.f.data!;
    const embedded = sessions.flatMap((s) => s.flow_state_periods);
    expect(periods).toHaveLength(embedded.length);
    expect(periods.length).toBeGreaterThan(0);
    const interrupted = periods.filter((p) => p.interrupted).length;
    expect(interrupted).toBe(sessions.reduce((n, s) => n + s.interruption_count, 0));
  });

  it('useFocusHeatmap has 168 cells holding exactly the flow time', async () => {
    const { result } = renderHook(() => useFocusHeatmap('UTC'), { wrapper });
    await waitFor(() => expect(result.current.data).toHaveLength(168));
    const all = await client.query.flowPeriods({ start: 0, end: MONDAY + 30 * DAY });
    const flowSeconds = all.reduce((n, p) => n + p.duration_ms / 1000, 0);
    const cells = result.current.data!;
    expect(cells.reduce((a, b) => a + b, 0)).toBeCloseTo(flowSeconds, 3);
    // Monday's sessions start at 09:00 UTC: flow shows on Monday's 9 o'clock row.
    expect(cells[24 + 9]).toBeGreaterThan(0);
  });

  it('usePatterns and useInsights claim nothing from too little history', async () => {
    const { result } = renderHook(() => ({ p: usePatterns(), i: useInsights() }), { wrapper });
    await waitFor(() => expect(result.current.i.data).toBeDefined());
    expect(result.current.p.data!.session_count).toBe(
      (await client.history({ limit: 500 })).sessions.length,
    );
    expect(result.current.p.data!.peak_hours).toEqual([]);
    expect(result.current.i.data).toEqual([]);
  });

  it('usePrivacySettings shows the document, sets it, and follows changes from elsewhere', async () => {
    const { result } = renderHook(() => usePrivacySettings(), { wrapper });
    await waitFor(() => expect(result.current.settings).toBeDefined());
    expect(result.current.settings!.sync_project_paths).toBe(false);
    await act(() => result.current.update({ sync_project_paths: true }));
    await waitFor(() => expect(result.current.settings!.sync_project_paths).toBe(true));
    // Another replica's change arrives as a document update, not through this hook's setter.
    act(() => void client.doc.updateSettings({ retention_days: 30 }, 'remote'));
    await waitFor(() => expect(result.current.settings!.retention_days).toBe(30));
    await expect(result.current.update({ retention_days: -1 })).rejects.toThrow();
    act(() => void client.doc.updateSettings({ retention_days: null, sync_project_paths: false }));
  });

  it('useSyncStatus says offline for a client without a server', () => {
    const { result } = renderHook(() => useSyncStatus(), { wrapper });
    expect(result.current).toEqual({ status: 'offline', detail: null, wipedByPurge: false });
  });

  it('empties the hooks when the replica is wiped (TRUNCATE fires no live-query trigger)', async () => {
    const range = { start: 0, end: MONDAY + 30 * DAY };
    const { result } = renderHook(() => useSessions(range), { wrapper });
    await waitFor(() => expect(result.current.data!.length).toBeGreaterThan(0));
    await act(() => client.wipe());
    await waitFor(() => expect(result.current.data).toEqual([]));
  });

  it('a malformed range is an InvalidQueryError, not a crash', async () => {
    const { result } = renderHook(() => useDailyTotals({ from: '2026-11-30', to: '2026-11-01' }), {
      wrapper,
    });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(InvalidQueryError));
    expect(result.current.data).toBeUndefined();
  });
});

describe('MindfulProvider with options', () => {
  afterEach(cleanup);

  it('opens one client under strict mode, and closes it after unmount', async () => {
    const opened: MindfulClient[] = [];
    const createClient = async (options: MindfulClientOptions) => {
      const client = await createMindfulClient(options);
      opened.push(client);
      return client;
    };
    const options = { dataDir: 'memory://', userId: crypto.randomUUID() };
    let shown: MindfulClient | null = null;
    function Probe() {
      shown = useMindfulClient();
      return null;
    }
    const view = render(
      <StrictMode>
        <MindfulProvider options={options} createClient={createClient}>
          <Probe />
        </MindfulProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(shown).not.toBeNull(), { timeout: 60_000 });
    expect(opened).toHaveLength(1);
    expect(shown).toBe(opened[0]);
    // A re-render with equal options (a new object) keeps the client.
    view.rerender(
      <StrictMode>
        <MindfulProvider options={{ ...options }} createClient={createClient}>
          <Probe />
        </MindfulProvider>
      </StrictMode>,
    );
    expect(shown).toBe(opened[0]);
    view.unmount();
    await waitFor(() => expect(() => opened[0].history()).toThrow(/closed/i), { timeout: 20_000 });
    expect(opened).toHaveLength(1);
  });
});
