import express from 'express';
import type { ApiDocs } from '../openapi/api-docs';
import { requireKeyOrUser, type ApiKeyRateLimit } from '../api-keys/api-key-auth';
import { ApiKeyStore } from '../api-keys/api-key-store';
import type { AppContext } from '../context';
import { errorBody } from '../http/errors';
import { loggablePath } from '../log/logger';
import { HeartbeatIngest } from './heartbeat-ingest';
import { heartbeatRoutes } from './heartbeat-routes';
import { importRoutes } from './import-routes';
import { ImportStore } from './import-store';
import { settingsRoutes } from './settings-routes';
import { summaryRoutes } from './summary-routes';
import { wakatimeOwnDocs, wakatimeV1Docs } from './wakatime-route-docs';

/** Largest heartbeat request body: a full bulk of long heartbeats fits, a flood does not. */
export const WAKATIME_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** The WakaTime API v1 paths this server answers on (Wakapi's compat path too). */
export const WAKATIME_BASE_PATHS = ['/api/v1', '/api/compat/wakatime/v1'] as const;

export interface WakatimeOptions {
  rateLimit?: ApiKeyRateLimit;
}

/**
 * The WakaTime-compatible API, mounted at the app root before the global
 * JSON parser (its bodies are larger than the rest of the API's). Every
 * route takes an API key or a signed-in session.
 */
export function wakatimeRoutes(ctx: AppContext, options: WakatimeOptions = {}): express.Router {
  const keys = new ApiKeyStore(ctx.db.pool);
  const ingest = new HeartbeatIngest(ctx);
  const v1 = express.Router();
  v1.use(requireKeyOrUser(ctx.auth, keys, options.rateLimit));
  v1.use(express.json({ limit: WAKATIME_BODY_LIMIT_BYTES }));
  v1.use(heartbeatRoutes(ctx, ingest));
  v1.use(summaryRoutes(ctx));
  v1.use((req, res) => {
    res
      .status(404)
      .json(
        errorBody(
          'not_found',
          `No WakaTime route for ${req.method} ${loggablePath(req.originalUrl)}`,
        ),
      );
  });
  const router = express.Router();
  for (const base of WAKATIME_BASE_PATHS) router.use(base, v1);

  // Mindful's own WakaTime routes: import of an export, the idle timeout.
  const own = express.Router();
  own.use(requireKeyOrUser(ctx.auth, keys, options.rateLimit));
  // The import streams its body itself; everything else is small JSON.
  own.use('/imports', importRoutes(ingest, new ImportStore(ctx.db.pool)));
  own.use(express.json({ limit: 16 * 1024 }));
  own.use('/settings', settingsRoutes(ctx));
  router.use('/api/wakatime', own);
  return router;
}

/** Mounts the WakaTime routes on the app and registers their documentation. */
export function mountWakatime(app: express.Express, ctx: AppContext, docs: ApiDocs): void {
  app.use(wakatimeRoutes(ctx));
  for (const prefix of WAKATIME_BASE_PATHS) {
    docs.register({ prefix, tag: 'WakaTime', auth: 'user', docs: wakatimeV1Docs });
  }
  docs.register({ prefix: '/api/wakatime', tag: 'WakaTime', auth: 'user', docs: wakatimeOwnDocs });
}
