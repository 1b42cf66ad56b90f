// The reference dashboard (examples/dashboard, React + Vite + Observable Plot) in headless
// Chromium, against a real server, with two weeks of sessions captured through the SDK. Every
// chart is checked by counting what it drew against the SDK's own answer for the same data.
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { createMindfulClient, type ActivityEvent, type MindfulClient } from '@mindful/client-sdk';
import { addDaysToDate, combineDailyTotals, dayWindows, fixedZoneOffset } from '@mindful/shared';
import { startDashboardServer, type DashboardServer } from '../../examples/dashboard/serve';
import { duration } from '../../examples/dashboard/src/format';
import { launchChromium, watchPage, type PageDiagnostics } from '../helpers/browser';
import { openTestDatabase, type TestDatabase } from '../helpers/databases';
import { authedFetch, signUp, startTestServer, type TestUser } from '../helpers/test-server';
import { seededRandom } from './fixtures/working-day';
import { waitForStatus } from './helpers/wait';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../.tmp/artifacts');
/** The dashboard's "today" (pinned with ?today=), a Friday; the seeded fortnight ends on it. */
const TODAY = '2026-11-27';
const DAYS = 14;
const TREND_FROM = addDaysToDate(TODAY, -27);

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Children drawn by a Plot mark (its `className`) inside a chart. */
function marks(page: Page, chart: string, mark: string) {
  return page.locator(`[data-chart="${chart}"] g.${mark} > *`);
}

/**
 * One session's activity: steady typing (flow) broken by six-minute interruptions (context
 * switches, errors, ragged typing) starting at the minutes in `breaks`.
 */
function sessionEvents(start: number, minutes: number, seed: number, breaks: number[]) {
  const random = seededRandom(seed);
  const events: ActivityEvent[] = [];
  let focus = 0;
  for (let i = 1; i <= minutes * 2; i++) {
    const interrupted = breaks.some((b) => i / 2 > b && i / 2 <= b + 6);
    focus = interrupted ? 0 : focus + 30_000;
    const keys = interrupted ? 12 : 60 + Math.floor(random() * 40);
    events.push({
      keystrokeIntervals: Array.from({ length: keys }, () =>
        interrupted ? 100 + random() * 3000 : 140 + random() * 40,
      ),
      contextSwitches: interrupted ? 8 : 0,
      errorEvents: interrupted ? 4 : 0,
      focusDurationMs: focus,
      fileModifications: random() < 0.3 ? 1 : 0,
      keystrokes: keys,
      linesAdded: Math.floor(keys / 30),
      at: start + i * 30_000,
    });
  }
  return events;
}

/** Two sessions a day for {@link DAYS} days up to {@link TODAY}, mornings, in two projects. */
async function seedFortnight(client: MindfulClient): Promise<void> {
  for (let d = 0; d < DAYS; d++) {
    const day = addDaysToDate(TODAY, d - (DAYS - 1));
    for (let n = 0; n < 2; n++) {
      const start = Date.parse(`${day}T08:00:00Z`) + (d % 3) * 3_600_000 + n * 2 * 3_600_000;
      const minutes = 40 + ((d + n) % 3) * 5;
      await client.startSession({
        startTime: start,
        language: n === 0 ? 'typescript' : d % 2 ? 'rust' : 'python',
        projectPath: `/home/dev/projects/app-${n}`,
      });
      for (const event of sessionEvents(start, minutes, 100 * d + n, [10 + (d % 5), 27])) {
        await client.recordActivity(event);
      }
      await client.endSession(start + minutes * 60_000 + 10_000);
    }
  }
  await client.flush();
}

/** What every chart should draw, from the SDK's answers over the seeding replica. */
async function expectedFigures(client: MindfulClient, day: string) {
  const span = dayWindows(day, day, fixedZoneOffset(0))[0]!;
  const range = { start: span.start_ms, end: span.end_ms };
  const trend = await client.query.dailyTotals({ from: TREND_FROM, to: TODAY, timeZone: 'UTC' });
  const periods = await client.query.flowPeriods(range);
  const heatmap = await client.query.focusHeatmap('UTC');
  const total = combineDailyTotals(trend)!;
  return {
    sessions: (await client.query.sessions(range)).length,
    flows: periods.length,
    interruptions: periods.filter((p) => p.interrupted && Date.parse(p.end_time) <= span.end_ms)
      .length,
    heatCells: heatmap.filter((s) => s > 0).length,
    peaks: (await client.patterns()).peak_hours.length,
    codingBars: trend.filter((d) => d.coding_seconds > 0).length,
    flowBars: trend.filter((d) => d.flow_seconds > 0).length,
    focusDots: trend.filter((d) => d.focus_score !== null).length,
    languages: Object.keys(total.languages).length,
    projects: Object.keys(total.projects).length,
    insights: (await client.insights()).length,
    todayCoding: duration(trend.find((d) => d.date === TODAY)!.coding_seconds),
  };
}

/** What the page drew, in the same shape as {@link expectedFigures}. */
async function shownFigures(page: Page) {
  return {
    sessions: await marks(page, 'timeline', 'timeline-sessions').count(),
    flows: await marks(page, 'timeline', 'timeline-flow').count(),
    interruptions: await marks(page, 'timeline', 'timeline-interruptions').count(),
    heatCells: await marks(page, 'heatmap', 'heatmap-cells').count(),
    peaks: await marks(page, 'heatmap', 'heatmap-peaks').count(),
    codingBars: await marks(page, 'trends-minutes', 'trends-coding').count(),
    flowBars: await marks(page, 'trends-minutes', 'trends-flow').count(),
    focusDots: await marks(page, 'trends-focus', 'trends-focus').count(),
    languages: await marks(page, 'breakdown-languages', 'breakdown-languages').count(),
    projects: await marks(page, 'breakdown-projects', 'breakdown-projects').count(),
    insights: await page.locator('li.insight').count(),
    todayCoding: await page.locator('[data-glance="today"] [data-figure="coding"] dd').innerText(),
  };
}

/**
 * Counts the page's IndexedDB write transactions. PGlite's `idb://` store answers queries from
 * memory and copies changed files to IndexedDB after them, one pass at a time; after a large
 * sync the copy trails the answers by seconds. A reload before it lands would open an older
 * replica (the server would restore the rest once online), so the offline step waits for the
 * copy to finish: no write transaction open, and none completed for a moment.
 */
function countIndexedDbWrites(): void {
  const w = window as unknown as { __idbWrites: { open: number; last: number } };
  w.__idbWrites = { open: 0, last: Date.now() };
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (
    this: IDBDatabase,
    ...args: Parameters<typeof transaction>
  ) {
    const tx = transaction.apply(this, args);
    if (args[1] === 'readwrite') {
      w.__idbWrites.open += 1;
      const done = () => {
        w.__idbWrites.open -= 1;
        w.__idbWrites.last = Date.now();
      };
      tx.addEventListener('complete', done);
      tx.addEventListener('abort', done);
    }
    return tx;
  } as typeof transaction;
}

async function waitForReplicaOnDisk(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __idbWrites: { open: number; last: number } };
      return w.__idbWrites.open === 0 && Date.now() - w.__idbWrites.last > 2_000;
    },
    undefined,
    { timeout: 120_000, polling: 250 },
  );
}

/** Waits until the page shows `expected` (sync brings data in over a few seconds). */
async function waitForFigures(
  page: Page,
  expected: Awaited<ReturnType<typeof expectedFigures>>,
  diagnostics: PageDiagnostics,
  timeout = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let shown = await shownFigures(page).catch(() => null);
  while (JSON.stringify(shown) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) {
      throw new Error(
        `the page never showed the expected figures\nexpected ${JSON.stringify(expected)}\nshown    ${JSON.stringify(shown)}\n${diagnostics.errors.join('\n')}\n${diagnostics.logs.slice(-20).join('\n')}`,
      );
    }
    // Re-read on the page's next DOM change rather than on a timer.
    await page
      .waitForFunction(
        () =>
          new Promise((resolve) => {
            const observer = new MutationObserver(() => {
              observer.disconnect();
              resolve(true);
            });
            observer.observe(document.body, {
              subtree: true,
              childList: true,
              characterData: true,
            });
          }),
        undefined,
        { timeout: 5_000 },
      )
      .catch(() => undefined);
    shown = await shownFigures(page).catch(() => null);
  }
}

describe('the dashboard in headless Chromium', () => {
  let db: TestDatabase;
  let dashboard: DashboardServer;
  let server: RunningServer | null = null;
  let browser: Browser;
  let context: BrowserContext;
  let port: number;
  let user: TestUser;
  let seeder: MindfulClient;
  let extension: MindfulClient | undefined;
  const env = () => ({
    PORT: String(port),
    TRUSTED_ORIGINS: dashboard.url,
    DEFAULT_SUBSCRIPTION_TIER: 'team',
  });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await openTestDatabase('pglite');
    port = await freePort();
    dashboard = await startDashboardServer({ apiUrl: `http://127.0.0.1:${port}` });
    server = await startTestServer(db, env());
    browser = await launchChromium();
    context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 800 },
    });
    user = await signUp(server.url);
    // A team the user administers alone: its aggregates stay below the minimum group size.
    const team = await authedFetch(server.url, user.token, '/api/teams', {
      method: 'POST',
      body: { name: 'Platform' },
    });
    expect(team.status).toBe(201);
    seeder = await createMindfulClient({
      dataDir: 'memory://',
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(user.token) },
      utcOffsetMinutes: 0,
    });
    await waitForStatus(seeder, 'synced');
    // Projects are tracked where the user lets paths sync; the dashboard is another device.
    await seeder.updateSettings({ sync_project_paths: true });
    await seedFortnight(seeder);
  }, 600_000);

  afterAll(async () => {
    await extension?.close();
    await seeder?.close();
    await context?.close();
    await browser?.close();
    await server?.close();
    await dashboard?.close();
    await db?.dispose();
  });

  it('draws every chart from two weeks of sessions, live, offline, and empties after a purge', async () => {
    const page = await context.newPage();
    await page.addInitScript(countIndexedDbWrites);
    const diagnostics = watchPage(page);
    const url = `${dashboard.url}/?today=${TODAY}`;
    await page.goto(url);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#sync[data-status="synced"]', { timeout: 60_000 });

    const expected = await expectedFigures(seeder, TODAY);
    // The seed has something in every chart (else counting would prove nothing).
    expect(expected.sessions).toBe(2);
    expect(expected.flows).toBeGreaterThan(0);
    expect(expected.interruptions).toBeGreaterThan(0);
    expect(expected.codingBars).toBe(DAYS);
    expect(expected.heatCells).toBeGreaterThan(10);
    expect(expected.peaks).toBeGreaterThan(0);
    expect(expected.languages).toBeGreaterThan(1);
    expect(expected.projects).toBe(2);
    expect(expected.insights).toBeGreaterThan(0);
    await waitForFigures(page, expected, diagnostics);
    expect(await page.locator('[data-chart="heatmap"] g.heatmap-grid > *').count()).toBe(168);

    // Week at a glance: the shared totals of Monday to today.
    const week = combineDailyTotals(
      await seeder.query.dailyTotals({ from: '2026-11-23', to: TODAY, timeZone: 'UTC' }),
    )!;
    const glance = page.locator('[data-glance="week"]');
    expect(await glance.locator('[data-figure="flow"] dd').innerText()).toBe(
      duration(week.flow_seconds),
    );
    expect(await glance.locator('[data-figure="interruptions"] dd').innerText()).toBe(
      String(week.interruptions),
    );

    // The team page says why it shows nothing: one consenting member is below the minimum.
    await expect
      .poll(() => page.locator('#team .notice').innerText(), { timeout: 30_000 })
      .toMatch(/hidden/i);
    expect(await page.locator('[data-chart="team-focus"]').count()).toBe(0);

    // Accessible names on the controls, and the day picker works from the keyboard.
    for (const name of ['Previous day', 'Next day', 'Export my data', 'Purge my data…']) {
      expect(await page.getByRole('button', { name }).count()).toBe(1);
    }
    expect(await page.getByRole('figure', { name: /hour of the week/ }).count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-1280x800.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('button', { name: 'Previous day' }).focus();
    await page.keyboard.press('Enter');
    const yesterday = await expectedFigures(seeder, addDaysToDate(TODAY, -1));
    await expect
      .poll(() => marks(page, 'timeline', 'timeline-flow').count(), { timeout: 20_000 })
      .toBe(yesterday.flows);
    expect(await marks(page, 'timeline', 'timeline-sessions').count()).toBe(yesterday.sessions);
    await page.getByRole('button', { name: 'Next day' }).focus();
    await page.keyboard.press('Enter'); // back to today
    await expect
      .poll(() => marks(page, 'timeline', 'timeline-flow').count(), { timeout: 20_000 })
      .toBe(expected.flows);

    // Offline: the server stops, the page reloads from the replica and shows the same figures.
    await waitForReplicaOnDisk(page);
    await server!.close();
    server = null;
    await page.waitForSelector('#sync[data-status="offline"]', { timeout: 30_000 });
    await page.reload();
    await waitForFigures(page, expected, diagnostics);
    await page.waitForSelector('#sync[data-status="offline"]', { timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-offline.png') });

    // Live: back online, a session from another replica appears without a reload.
    server = await startTestServer(db, env());
    await page.waitForSelector('#sync[data-status="synced"]', { timeout: 60_000 });
    extension = await createMindfulClient({
      dataDir: 'memory://',
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(user.token) },
    });
    await waitForStatus(extension, 'synced');
    const start = Date.parse(`${TODAY}T18:00:00Z`);
    await extension.startSession({ startTime: start, language: 'go' });
    await extension.flush();
    // The session reached this replica's socket no earlier than now: 2 s from here is at most
    // 2 s from its arrival on the server.
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('[data-chart="timeline"] g.timeline-sessions > *').length === n,
      expected.sessions + 1,
      { timeout: 2_000 },
    );

    // Purge elsewhere: the dashboard empties itself and says why.
    const purge = await authedFetch(server.url, user.token, '/api/privacy/purge?scope=data', {
      method: 'DELETE',
    });
    expect(purge.status).toBeLessThan(300);
    await page.waitForSelector('#purged', { timeout: 30_000 });
    await expect
      .poll(() => page.locator('[data-glance="today"] [data-figure="coding"] dd').innerText(), {
        timeout: 20_000,
      })
      .toBe('0 min');
    // The charts re-render from the replica's live queries, each in its own time.
    await expect
      .poll(() => page.locator('[data-chart="timeline"]').count(), { timeout: 20_000 })
      .toBe(0);
    expect(await page.locator('#timeline').innerText()).toMatch(/No sessions/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-purged.png') });
    expect(diagnostics.errors).toEqual([]);
  }, 300_000);
});
