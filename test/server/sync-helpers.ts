import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { userDocName, type SessionEntry } from '@mindful/shared';
import { createLogger, startServer, type Database, type RunningServer } from '@mindful/server';
import { testConfig } from '../helpers/test-server';

/** A server with short sync timers, on port 0 over `database`. */
export function startSyncServer(
  database: Database,
  registry: {
    idleUnloadMs?: number;
    reconcileDebounceMs?: number;
    reconcileMaxWaitMs?: number;
    reconcileBatchWindowMs?: number;
    maxReconcileBatch?: number;
  } = {},
  limits: Record<string, number> = {},
): Promise<RunningServer> {
  const config = testConfig();
  return startServer({
    config,
    log: createLogger(config.logLevel),
    database,
    sync: { registry: { reconcileDebounceMs: 20, ...registry }, limits },
  });
}

/** `count` new users, made in SQL (no sign-up, no document yet): their ids. */
export async function insertUsers(pool: Database['pool'], count: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO users (email) SELECT 'user-' || g || '-' || $1 || '@example.com'
     FROM generate_series(1, $2::int) g RETURNING id::text AS id`,
    [randomUUID(), count],
  );
  return rows.map((r) => r.id);
}

/** Waits until `check` is true, polling; fails with `what` after the deadline. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * A test server whose scheduled reconciliations fall due on boundaries of
 * this window: writes made early in one (see {@link earlyInWindow}) fall due
 * together, however slow the machine.
 */
export const TEST_BATCH_WINDOW_MS = 2_000;

/** Waits until the first tenth of a {@link TEST_BATCH_WINDOW_MS} window. */
export async function earlyInWindow(windowMs = TEST_BATCH_WINDOW_MS): Promise<void> {
  while (Date.now() % windowMs > windowMs / 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A real y-websocket provider on the user's document. */
export function connectReplica(
  serverUrl: string,
  user: { id: string; token: string },
  options: { doc?: Y.Doc; generation?: number; docName?: string; connect?: boolean } = {},
): WebsocketProvider {
  const wsUrl = `${serverUrl.replace(/^http/, 'ws')}/sync`;
  return new WebsocketProvider(
    wsUrl,
    options.docName ?? userDocName(user.id),
    options.doc ?? new Y.Doc(),
    {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: user.token, generation: String(options.generation ?? 1) },
      disableBc: true,
      // Reconnect quickly after a server restart (the default backs off to 2.5 s).
      maxBackoffTime: 200,
      connect: options.connect ?? true,
    },
  );
}

/** Resolves when the provider has synced with the server. */
export function synced(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('provider did not sync')), timeoutMs);
    const onSync = (state: boolean) => {
      if (!state) return;
      clearTimeout(timer);
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });
}

/** Resolves with the close code and reason the server ends the provider's connection with. */
export function closedWith(
  provider: WebsocketProvider,
  timeoutMs = 10_000,
): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connection was not closed')), timeoutMs);
    provider.on('connection-close', (event) => {
      if (!event) return;
      clearTimeout(timer);
      resolve({ code: event.code, reason: event.reason });
    });
  });
}

/** A valid session entry (overrides applied). */
export function sessionEntry(overrides: Partial<SessionEntry> = {}): SessionEntry {
  const start = new Date(Date.UTC(2026, 0, 5, 9, 0, 0));
  return {
    id: randomUUID(),
    start_time: start.toISOString(),
    end_time: null,
    total_duration_ms: null,
    active_duration_ms: null,
    files_modified: 0,
    keystrokes: 0,
    lines_added: 0,
    lines_deleted: 0,
    language_breakdown: {},
    project_path: null,
    environment_data: null,
    flow_state_periods: [],
    interruption_count: 0,
    error_rate: null,
    focus_score: null,
    device_id: 'test-device',
    updated_at: start.toISOString(),
    ...overrides,
  };
}

/** An ended session from `start` (ms), in flow from its 10th to its 50th minute, with a good focus score. */
export function endedSessionWithFlow(
  start: number,
  { minutes = 60, activeMinutes = minutes - 5 }: { minutes?: number; activeMinutes?: number } = {},
): SessionEntry {
  const iso = (ms: number) => new Date(ms).toISOString();
  const end = start + minutes * 60_000;
  return sessionEntry({
    start_time: iso(start),
    end_time: iso(end),
    total_duration_ms: minutes * 60_000,
    active_duration_ms: activeMinutes * 60_000,
    focus_score: 0.8,
    updated_at: iso(end),
    flow_state_periods: [
      {
        start_time: iso(start + 10 * 60_000),
        end_time: iso(start + 50 * 60_000),
        duration_ms: 40 * 60_000,
        intensity: 0.8,
        recovery_time_ms: null,
      },
    ],
  });
}
