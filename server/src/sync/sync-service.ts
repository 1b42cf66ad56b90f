import type http from 'node:http';
import type { AppContext } from '../context';
import { insightsJob } from '../insights/insights-job';
import { compactionJob } from './compaction';
import { InstanceFanout, type FanoutOptions } from './instance-fanout';
import type { ConnectionLimits } from './sync-connection';
import { attachSyncSocket } from './sync-socket';

/** Tuning of the sync subsystem (tests shorten the timers). */
export interface SyncOptions {
  limits?: Partial<ConnectionLimits>;
  /** Run the scheduled jobs (compaction); off in tests, which run them directly. */
  scheduleJobs?: boolean;
  /** How often documents left unreconciled by a crash are looked for (also once at start; with the jobs). */
  catchUpEveryMs?: number;
  /** Tuning of the fan-out listener between instances (PostgreSQL only). */
  fanout?: FanoutOptions;
}

/**
 * Starts the sync subsystem on a listening-to-be HTTP server: the socket on
 * `/sync/:doc`, the fan-out between instances, the compaction and insights jobs. The registry itself lives in the
 * context (REST shares it).
 * @returns how to stop it: sockets first, then the registry flushes reconciliation.
 */
export function startSync(
  ctx: AppContext,
  httpServer: http.Server,
  options: SyncOptions = {},
): { fanout: InstanceFanout | null; close(): Promise<void> } {
  // Several instances may share one PostgreSQL: each learns of the others'
  // appends and purges. Embedded PGlite is one process; it has no one to tell.
  const fanout =
    ctx.db.kind === 'postgres'
      ? new InstanceFanout(ctx.db.pool.options, ctx.registry, ctx.log, options.fanout)
      : null;
  fanout?.start();
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
    },
    options.limits,
  );
  if (options.scheduleJobs ?? true) {
    ctx.jobs.add(compactionJob(ctx.cipher, ctx.registry.metrics));
    ctx.jobs.add(insightsJob());
  }
  // Catch up on reconciliation a crash left behind, now and then periodically.
  let catchUp: Promise<unknown> = Promise.resolve();
  const runCatchUp = () => {
    catchUp = ctx.registry.reconcilePending().catch((error: unknown) => {
      ctx.log.error({ err: error }, 'catching up on reconciliation failed; will retry');
    });
  };
  const timer = setInterval(runCatchUp, options.catchUpEveryMs ?? 5 * 60_000);
  timer.unref();
  if (options.scheduleJobs ?? true) runCatchUp();
  else clearInterval(timer);
  return {
    fanout,
    async close() {
      clearInterval(timer);
      await catchUp;
      await fanout?.stop();
      await socket.close();
      await ctx.registry.close();
    },
  };
}
