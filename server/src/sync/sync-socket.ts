import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { SYNC_CLOSE, SYNC_PATH_PREFIX } from '@mindful/shared';
import type { Auth } from '../auth/auth';
import type { SessionWatch } from '../auth/session-watch';
import type { UserQuota } from './user-quota';
import type { DocumentRegistry } from './document-registry';
import { DEFAULT_LIMITS, SyncConnection, type ConnectionLimits } from './sync-connection';

/** How often dead peers are looked for (a ping each interval, cut off if no pong). */
const HEARTBEAT_MS = 30_000;

/** The sync endpoint attached to an HTTP server; close it before the registry. */
export interface SyncSocket {
  close(): Promise<void>;
}

/**
 * Serves `GET /sync/:doc` upgrades as y-websocket connections. The upgrade is
 * always accepted and refusals are sent as close codes, because a browser
 * cannot read an HTTP status from a failed WebSocket handshake.
 */
export function attachSyncSocket(
  httpServer: http.Server,
  deps: {
    auth: Auth;
    registry: DocumentRegistry;
    log: Logger;
    cookieOrigins: ReadonlySet<string>;
    sessions: SessionWatch;
    quota: UserQuota;
  },
  limits: Partial<ConnectionLimits> = {},
): SyncSocket {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  const wss = new WebSocketServer({ noServer: true, maxPayload: resolved.maxMessageBytes });
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      socket.destroy();
      return;
    }
    if (!url.pathname.startsWith(SYNC_PATH_PREFIX)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      const connection = new SyncConnection(ws, { ...deps, limits: resolved });
      void connection.open(req, url);
    });
  };
  httpServer.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    async close() {
      clearInterval(heartbeat);
      httpServer.off('upgrade', onUpgrade);
      for (const ws of wss.clients)
        ws.close(SYNC_CLOSE.goingAway.code, SYNC_CLOSE.goingAway.reason);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
