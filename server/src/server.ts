import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAuth } from './auth/auth';
import { attachSessionCache } from './auth/current-user';
import type { Config } from './config/config';
import { resolveSecrets } from './config/secrets';
import type { AppContext } from './context';
import { openDatabase, sharedByInstances, type Database } from './db/database';
import { migrate } from './db/migrate';
import { createApp } from './http/app';
import { trackInFlight } from './http/in-flight';
import { loggableDatabaseUrl } from './log/logger';
import { JobScheduler } from './jobs/scheduler';
import { FieldCipher } from './crypto/cipher';
import { followProjectedSettings } from './privacy/privacy-projection';
import { Projection, type ProjectionOptions } from './projection/projection';
import { UserBaselines } from './sessions/user-baseline';
import { DocumentRegistry, type RegistryOptions } from './sync/document-registry';
import { PgDocumentLog } from './sync/pg-document-log';
import { scheduleJobs } from './scheduled-jobs';
import { startSync, type SyncOptions } from './sync/sync-service';
import { followReconciledRows } from './teams/team-projection';

/** A server that is listening, and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  ctx: AppContext;
  httpServer: http.Server;
  /** Stops accepting, lets in-flight requests finish, then closes the store (unless it was lent). */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Logger;
  /** A store opened by the caller (tests); it is migrated but not closed on shutdown. */
  database?: Database;
  /** Sync and projection tuning (tests shorten timers and limits). */
  sync?: SyncOptions & {
    registry?: RegistryOptions & ProjectionOptions;
    /** Run the scheduled jobs (compaction, insights, catch-up); off in tests, which run them directly. */
    scheduleJobs?: boolean;
    /** How often documents left unreconciled by a crash are looked for (also once at start; with the jobs). */
    catchUpEveryMs?: number;
  };
}

/** How long shutdown waits for in-flight requests before cutting connections. */
const DRAIN_MS = 10_000;

/** Opens the store, migrates it, and serves the API on config.host:config.port. */
export async function startServer({
  config,
  log,
  database,
  sync,
}: StartOptions): Promise<RunningServer> {
  const secrets = await resolveSecrets(config, log);
  const db =
    database ??
    (await openDatabase(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl }
        : { kind: 'pglite', dataDir: path.resolve(config.dataDir, 'pglite') },
    ));
  const applied = await migrate(db.pool);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  const cipher = new FieldCipher(secrets.encryptionKeyHex, config.previousEncryptionKeysHex);
  const { idleUnloadMs, ...projectionOptions } = sync?.registry ?? {};
  const documentLog = new PgDocumentLog(db.pool, cipher, sharedByInstances(db));
  const registry = new DocumentRegistry(documentLog, log, {
    idleUnloadMs,
    maxDocumentBytes: config.limits.syncMaxDocumentBytes,
  });
  const ctx: AppContext = {
    config,
    db,
    log,
    auth: createAuth(db.pool, config, secrets.authSecret, log),
    cipher,
    jobs: new JobScheduler(db.pool, log),
    documentLog,
    registry,
    projection: new Projection(registry, db.pool, cipher, log, projectionOptions),
    baselines: new UserBaselines(db.pool, cipher),
  };
  attachSessionCache(ctx.auth, config.authSessionCacheMs, db.pool);
  // The features that follow the projected rows subscribe in their own folders.
  followProjectedSettings(ctx.projection);
  followReconciledRows(ctx.projection);
  // Tests drive the jobs directly; a timer would race their assertions.
  scheduleJobs(ctx, {
    features: config.env !== 'test',
    replication: sync?.scheduleJobs ?? config.env !== 'test',
    catchUpEveryMs: sync?.catchUpEveryMs ?? 5 * 60_000,
  });
  const httpServer = http.createServer(createApp(ctx));
  const inFlight = trackInFlight(httpServer);
  const syncService = startSync(ctx, documentLog, httpServer, sync);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  // The one start line: where to point a browser, and where the data lives.
  log.info(
    {
      url,
      port,
      store: db.kind,
      data_dir: path.resolve(config.dataDir),
      ...(config.databaseUrl ? { database: loggableDatabaseUrl(config.databaseUrl) } : {}),
      base_url: config.baseUrl ?? 'derived from each request',
    },
    `Mindful Code server listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting, let requests in flight finish while the documents still
      // serve them, then close the sync sockets (1001) and the rest.
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const timer = setTimeout(() => httpServer.closeAllConnections(), DRAIN_MS);
      await inFlight.idle();
      httpServer.closeIdleConnections();
      await ctx.projection.stopCatchingUp();
      await syncService.close();
      // Lets the projection reconcile what is pending, then closes every document.
      await ctx.registry.close();
      ctx.projection.detach();
      await drained;
      clearTimeout(timer);
      await ctx.jobs.stop();
      if (!database) await db.close();
      log.info('server stopped');
    })());

  return { url, port, ctx, httpServer, close };
}
