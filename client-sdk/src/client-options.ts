import { storableText, type FlowDetectorOptions } from '@mindful/shared';
import { z } from 'zod';
import type { Clock } from './clock';
import { InvalidClientOptionsError } from './errors';
import type { ReplicaStore } from './replica/replica-store';
import type { SyncAuth } from './sync/websocket-sync';

/** Options of `createMindfulClient`. */
export interface MindfulClientOptions {
  /** Replica location: a directory (Node), `idb://name` (browser) or `memory://` (throwaway). */
  dataDir: string;
  /** The signed-in user's id (a UUID). */
  userId: string;
  /** Server base URL (`http://host:port`); without it (or without `auth`) the client stays offline. */
  serverUrl?: string;
  /** Bearer token source; called per connection and again after the server refuses a token. */
  auth?: SyncAuth;
  /** Time source, ms since the epoch; default `Date.now`. */
  clock?: Clock;
  /** This device's id, written on its sessions; default one generated and kept in the replica. */
  deviceId?: string;
  /** Flow detector options (model, personal baseline, thresholds). */
  flow?: FlowDetectorOptions;
  /** Offset of the user's local time from UTC, minutes, for patterns; default the system's. */
  utcOffsetMinutes?: number;
  /** WebSocket implementation; default the global one, or `ws` in Node. */
  WebSocketPolyfill?: typeof WebSocket;
  /** Longest reconnect backoff, ms; default 10 000. */
  maxBackoffTime?: number;
  /** A replica store to use instead of opening PGlite at `dataDir` (tests, other engines). */
  store?: ReplicaStore;
}

const optionsSchema = z.object({
  dataDir: z.string().min(1, 'dataDir is required'),
  userId: z.string().uuid('userId must be a UUID'),
  serverUrl: z
    .string()
    .url('serverUrl must be an absolute http(s) URL')
    .refine((u) => /^https?:/i.test(u), 'serverUrl must be http(s)')
    .optional(),
  deviceId: storableText(128).min(1).optional(),
  utcOffsetMinutes: z.number().int().min(-840).max(840).optional(),
});

/** Checks the options that can be wrong at run time; throws {@link InvalidClientOptionsError}. */
export function checkClientOptions(options: MindfulClientOptions): void {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    throw new InvalidClientOptionsError(
      result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  if (options.serverUrl && !options.auth) {
    throw new InvalidClientOptionsError('serverUrl needs auth.getToken to sync');
  }
}

/** The WebSocket to sync with: the given one, the global one, or the `ws` package in Node. */
export async function resolveWebSocket(given?: typeof WebSocket): Promise<typeof WebSocket> {
  if (given) return given;
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const ws = await import('ws');
  return ws.default as unknown as typeof WebSocket;
}
