import { userDocName } from '@mindful/shared';
import { WebsocketProvider } from 'y-websocket';
import { backOffDelay, closeActionFor, type CloseAction } from './close-policy';
import { parseGenerationReason, type SyncStatus } from './sync-status';
import type { SyncHost, SyncTransport } from './sync-transport';

/** Credentials for the sync socket. `getToken` is called for every connection and after a 4401. */
export interface SyncAuth {
  getToken(): Promise<string>;
}

/** Options of {@link WebsocketSync}. */
export interface WebsocketSyncOptions {
  /** The server's base URL (`http(s)://host:port`); the socket is `ws(s)://host:port/sync/user:<id>`. */
  serverUrl: string;
  userId: string;
  auth: SyncAuth;
  host: SyncHost;
  /** WebSocket implementation: the global one in browsers, `ws` in Node. */
  WebSocketPolyfill: typeof WebSocket;
  /** Longest wait between reconnect attempts, ms (y-websocket's exponential backoff). */
  maxBackoffTime?: number;
}

/** Purges in a row without a successful sync after which the client stops (a server bug, not a purge). */
const MAX_GENERATION_MOVES = 3;

const DEFAULT_MAX_BACKOFF_MS = 10_000;

/**
 * A connection synced at least this long before a back-off close counts as healthy: the back-off
 * starts over. Sooner, the delay keeps doubling (a replica that floods right after every sync).
 */
const STABLE_CONNECTION_MS = 30_000;

/** The ws(s) base of an http(s) server URL. */
export function toWebSocketBase(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol =
    url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.toString().replace(/\/+$/, '');
}

/**
 * Sync over the real y-websocket `WebsocketProvider`, with the server's close codes handled:
 * the provider reconnects by itself after network failures (exponential backoff), but a 44xx
 * close destroys it, so a stale token or a purged document's state is never sent again:
 * 4401 refreshes the token once and reconnects, 4403 stops, 4410 has the host wipe and install a
 * fresh doc, then connects a new provider to it. A message the server refuses (4400, 1009,
 * 4415) stops with status `error`, since the replica would send it again; a flood (4429) or a
 * server failure (1011) reconnects after a delay that doubles while it keeps happening (see
 * `close-policy.ts`).
 */
export class WebsocketSync implements SyncTransport {
  private provider: WebsocketProvider | null = null;
  private current: SyncStatus = 'offline';
  private stopped = true;
  private refreshedToken = false;
  private generationMoves = 0;
  private backOffAttempts = 0;
  private syncedAt: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every (re)connect: late callbacks of an older provider are ignored. */
  private epoch = 0;

  constructor(private readonly options: WebsocketSyncOptions) {}

  get status(): SyncStatus {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connectSoon();
  }

  stop(): void {
    this.stopped = true;
    this.epoch++;
    this.dropProvider();
    this.setStatus('offline');
  }

  restart(): void {
    this.epoch++;
    this.dropProvider();
    if (!this.stopped) this.connectSoon();
  }

  private connectSoon(): void {
    this.clearRetry();
    const epoch = ++this.epoch;
    this.connect(epoch).catch((error: unknown) => this.options.host.onError(error));
  }

  private async connect(epoch: number): Promise<void> {
    const { host, auth } = this.options;
    this.setStatus('connecting');
    let token: string;
    try {
      token = await auth.getToken();
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.halt(
        'unauthorized',
        `getToken failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    if (epoch !== this.epoch || this.stopped) return;
    const provider = new WebsocketProvider(
      `${toWebSocketBase(this.options.serverUrl)}/sync`,
      userDocName(this.options.userId),
      host.doc(),
      {
        params: { token, generation: String(host.generation()) },
        WebSocketPolyfill: this.options.WebSocketPolyfill,
        // Tabs sharing a BroadcastChannel could pass a purged generation's state around.
        disableBc: true,
        maxBackoffTime: this.options.maxBackoffTime ?? DEFAULT_MAX_BACKOFF_MS,
        // Our codes are handled below; any other server close is retried with backoff.
        shouldReconnect: (event) => closeActionFor(event.code, '').kind === 'transport',
      },
    );
    this.provider = provider;
    provider.on('status', ({ status }) => {
      if (epoch !== this.epoch) return;
      if (status === 'connecting' || status === 'connected') this.setStatus('connecting');
      // A close we act on (see `connection-close`) reports its own status: no `offline` flicker.
      else if (provider.shouldConnect) this.setStatus('offline');
    });
    provider.on('sync', (synced: boolean) => {
      if (epoch !== this.epoch || !synced) return;
      this.refreshedToken = false;
      this.generationMoves = 0;
      this.syncedAt = Date.now();
      this.setStatus('synced');
    });
    provider.on('connection-close', (event) => {
      if (epoch !== this.epoch || !event) return;
      const reason = String(event.reason ?? '');
      const action = closeActionFor(event.code, reason);
      if (action.kind === 'transport') return;
      // Stop this provider from reconnecting now; act outside the provider's own callback.
      provider.shouldConnect = false;
      queueMicrotask(() => {
        this.onServerClose(epoch, action, reason).catch((error: unknown) =>
          this.options.host.onError(error),
        );
      });
    });
  }

  private async onServerClose(epoch: number, action: CloseAction, reason: string): Promise<void> {
    if (epoch !== this.epoch || this.stopped) return;
    this.epoch++;
    this.dropProvider();
    if (action.kind === 'halt') return this.halt(action.status, action.detail);
    if (action.kind === 'back-off') return this.backOff(action.why);
    if (action.kind === 'refresh-token') {
      if (this.refreshedToken) return this.halt('unauthorized', reason);
      this.refreshedToken = true;
      this.connectSoon();
      return;
    }
    if (action.kind !== 'wipe') return;
    const generation = parseGenerationReason(reason);
    if (generation === null) return this.halt('error', `4410 without a generation: ${reason}`);
    if (++this.generationMoves > MAX_GENERATION_MOVES) {
      return this.halt(
        'error',
        `the server moved the generation ${this.generationMoves} times in a row`,
      );
    }
    const waitedEpoch = this.epoch;
    await this.options.host.onGenerationMoved(generation);
    if (waitedEpoch === this.epoch && !this.stopped) this.connectSoon();
  }

  /** Reconnects after a delay that doubles while the server keeps refusing soon after a sync. */
  private backOff(why: string): void {
    const healthy = this.syncedAt !== null && Date.now() - this.syncedAt >= STABLE_CONNECTION_MS;
    if (healthy) this.backOffAttempts = 0;
    this.syncedAt = null;
    this.backOffAttempts++;
    const delay = backOffDelay(
      this.backOffAttempts,
      this.options.maxBackoffTime ?? DEFAULT_MAX_BACKOFF_MS,
      Math.random(),
    );
    this.setStatus('offline', `${why}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    const epoch = this.epoch;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (epoch === this.epoch && !this.stopped) this.connectSoon();
    }, delay);
  }

  private halt(status: SyncStatus, detail: string): void {
    this.stopped = true;
    this.epoch++;
    this.dropProvider();
    this.setStatus(status, detail);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dropProvider(): void {
    this.clearRetry();
    const provider = this.provider;
    this.provider = null;
    if (provider) {
      provider.shouldConnect = false;
      provider.destroy();
    }
  }

  private setStatus(status: SyncStatus, detail?: string): void {
    if (status === this.current && detail === undefined) return;
    this.current = status;
    this.options.host.onStatus(status, detail);
  }
}
