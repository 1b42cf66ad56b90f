import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@mindful/server';
import { createMindfulClient, type MindfulClient } from '@mindful/client-sdk';
import { startDashboardServer, type DashboardServer } from '../../examples/dashboard/serve';
import { launchChromium, watchPage } from '../helpers/browser';
import { openTestDatabase, type TestDatabase } from '../helpers/databases';
import { signUp, startTestServer } from '../helpers/test-server';
import { waitForStatus } from './helpers/wait';

describe('the example dashboard in headless Chromium', () => {
  let db: TestDatabase;
  let dashboard: DashboardServer;
  let server: RunningServer;
  let browser: Browser;
  let extension: MindfulClient | undefined;

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    dashboard = await startDashboardServer();
    server = await startTestServer(db, { TRUSTED_ORIGINS: dashboard.url });
    dashboard.setApiUrl(server.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await extension?.close();
    await browser?.close();
    await server?.close();
    await dashboard?.close();
    await db?.dispose();
  });

  it('signs in, syncs the replica in IndexedDB and shows a session from a Node client live', async () => {
    const user = await signUp(server.url);
    const page = await browser.newPage();
    const { errors: problems, logs } = watchPage(page);
    await page.goto(dashboard.url);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await page.click('button[type=submit]');
    await page
      .waitForSelector('#status[data-status="synced"]', { timeout: 45_000 })
      .catch(async (error: unknown) => {
        const status = await page.textContent('#status');
        const shown = await page.textContent('#error');
        throw new Error(
          `dashboard never synced: status=${status} error=${shown}\n${problems.join('\n')}\n${logs.join('\n')}\n${String(error)}`,
        );
      });
    expect(await page.locator('#history tr').count()).toBe(0);

    extension = await createMindfulClient({
      dataDir: 'memory://',
      userId: user.id,
      serverUrl: server.url,
      auth: { getToken: () => Promise.resolve(user.token) },
    });
    await waitForStatus(extension, 'synced');
    const start = Date.parse('2026-03-05T09:00:00Z');
    const sessionId = await extension.startSession({ startTime: start, language: 'typescript' });
    await page.waitForSelector(`#history tr[data-session-id="${sessionId}"]`, { timeout: 30_000 });
    for (let i = 1; i <= 6; i++) {
      await extension.recordActivity({
        keystrokeIntervals: [150, 160, 170, 155],
        contextSwitches: 0,
        errorEvents: 0,
        focusDurationMs: i * 30_000,
        fileModifications: 1,
        keystrokes: 4,
        linesAdded: 1,
        at: start + i * 30_000,
      });
    }
    await extension.endSession(start + 200_000);
    // The row re-renders live with the final counters.
    await page.waitForSelector(
      `#history tr[data-session-id="${sessionId}"][data-keystrokes="24"]`,
      {
        timeout: 30_000,
      },
    );
    expect(problems).toEqual([]);
  });
});
