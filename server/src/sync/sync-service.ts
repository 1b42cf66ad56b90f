import type http from 'node:http';
import { SessionWatch } from '../auth/session-watch';
import { sharedByInstances } from '../db/database';
import type { AppContext } from '../context';
import { InstanceFanout, type FanoutOptions } from './instance-fanout';
import type { PgDocumentLog } from './pg-document-log';
import type { ConnectionLimits } from './sync-connection';
import { attachSyncSocket } from './sync-socket';
import { UserQuota } from './user-quota';

/** How often open sockets' sessions are re-checked when the token cache is off. */
const SESSION_RECHECK_WITHOUT_CACHE_MS = 1_000;

/** Tuning of the sync transport (tests shorten the timers and limits). */
export interface SyncOptions {
  limits?: Partial<ConnectionLimits>;
  /** Tuning of the fan-out listener between instances (PostgreSQL only). */
  fanout?: FanoutOptions;
}

/**
 * Starts replication on a listening-to-be HTTP server: the socket on
 * `/sync/:doc` and the fan-out between instances. The registry itself lives
 * in the context (REST shares it) and is closed by its owner.
 * @returns how to stop it: the fan-out, then the sockets.
 */
export function startSync(
  ctx: Pick<AppContext, 'db' | 'auth' | 'log' | 'config' | 'registry'>,
  documentLog: PgDocumentLog,
  httpServer: http.Server,
  options: SyncOptions = {},
): { fanout: InstanceFanout | null; close(): Promise<void> } {
  // Instances sharing one store learn of each other's appends and purges.
  const fanout = sharedByInstances(ctx.db)
    ? new InstanceFanout(ctx.db.pool.options, ctx.registry, documentLog, ctx.log, options.fanout)
    : null;
  fanout?.start();
  // A socket's session is re-checked as often as a cached token is trusted,
  // so a sign-out reaches sockets as soon as it reaches REST calls.
  const sessions = new SessionWatch(
    ctx.db.pool,
    ctx.config.authSessionCacheMs > 0
      ? ctx.config.authSessionCacheMs
      : SESSION_RECHECK_WITHOUT_CACHE_MS,
    ctx.log,
  );
  const { limits } = ctx.config;
  const quota = new UserQuota({
    maxConnectionsPerUser: limits.syncMaxConnectionsPerUser,
    writeBytesPerWindow: limits.syncUserWriteBytes,
    writeWindowMs: limits.syncUserWriteWindowMs,
  });
  const socket = attachSyncSocket(
    httpServer,
    {
      auth: ctx.auth,
      registry: ctx.registry,
      log: ctx.log,
      cookieOrigins: new Set([
        ...ctx.config.trustedOrigins,
        ...(ctx.config.baseUrl ? [new URL(ctx.config.baseUrl).origin] : []),
      ]),
      sessions,
      quota,
    },
    options.limits,
  );
  return {
    fanout,
    async close() {
      sessions.stop();
      await fanout?.stop();
      await socket.close();
    },
  };
}
