import cors from 'cors';
import express from 'express';
import { authRoutes } from '../auth/auth-routes';
import { clientAddress, nonBrowserClients } from '../auth/non-browser-clients';
import { requireUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { errorBody, errorHandler, notFoundHandler } from './errors';
import { requireJsonBody } from './json-body';
import { metricsRoute } from './metrics-route';
import { flowRoutes } from '../flow/flow-routes';
import { flowRouteDocs } from '../flow/flow-route-docs';
import { meRouteDocs, meRoutes } from '../auth/me-routes';
import { ApiDocs } from '../openapi/api-docs';
import { API_INFO } from '../openapi/api-info';
import { authRouteDocs } from '../openapi/auth-route-docs';
import { RouteTable, unknownApiRoutes } from '../openapi/express-routes';
import { observeRequests } from '../metrics/http-metrics';
import { ServerMetrics } from '../metrics/server-metrics';
import { mountReference } from '../openapi/reference-page';
import { serviceRouteDocs, syncSocketDocs } from '../openapi/service-route-docs';
import { privacyRoutes } from '../privacy/privacy-routes';
import { privacyRouteDocs } from '../privacy/privacy-route-docs';
import { sessionRoutes } from '../sessions/session-routes';
import { sessionRouteDocs } from '../sessions/session-route-docs';
import { teamRoutes } from '../teams/team-routes';
import { teamRouteDocs } from '../teams/team-route-docs';
import { ApiKeyStore } from '../api-keys/api-key-store';
import { apiKeyRoutes } from '../api-keys/api-key-routes';
import { apiKeyRouteDocs } from '../api-keys/api-key-route-docs';
import { mountWakatime } from '../wakatime/wakatime-routes';

/** Largest JSON body the API reads; bigger ones get 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** The Express application: auth, the REST API and its error handling. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  // Every route is registered here with its documentation (docs/api.md "Adding a route").
  const docs = new ApiDocs(API_INFO);
  app.locals.apiDocs = docs;
  app.disable('x-powered-by');
  // No ETag: hashing every JSON answer cost a sixth of bare Express's CPU per request
  // (docs/performance.md), and no client revalidates API answers.
  app.set('etag', false);
  app.use(clientAddress);
  // A dashboard served from another origin (TRUSTED_ORIGINS) may call the API
  // with its session cookie; every other origin gets no CORS headers at all.
  if (ctx.config.trustedOrigins.length > 0) {
    app.use(
      cors({
        origin: ctx.config.trustedOrigins,
        credentials: true,
        exposedHeaders: ['set-auth-token'],
        maxAge: 600,
      }),
    );
  }
  const routes = new RouteTable(app);
  const metrics = new ServerMetrics(ctx.registry, ctx.jobs);
  app.use(observeRequests(metrics, routes, ctx.log));

  app.get('/healthz', async (_req, res) => {
    try {
      await ctx.db.pool.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({
        status: 'unavailable',
        ...errorBody('unavailable', 'The database does not answer'),
      });
    }
  });

  app.get('/metrics', metricsRoute(ctx, metrics));
  docs.register({ prefix: '', tag: 'Service', auth: 'public', docs: serviceRouteDocs });
  mountReference(app, docs);
  docs.register({
    prefix: '',
    tag: 'Sync',
    auth: 'user',
    docs: syncSocketDocs,
    outsideExpress: true,
  });

  // Before authentication: an unknown /api route is 404 for everyone.
  app.use(unknownApiRoutes(routes));

  // better-auth reads the raw body itself: mount it before express.json().
  app.all('/api/auth/*splat', nonBrowserClients, authRoutes(ctx.auth, BODY_LIMIT_BYTES));
  docs.register({
    prefix: '/api/auth',
    tag: 'Accounts',
    auth: 'user',
    docs: authRouteDocs,
    catchAll: '/api/auth/*splat',
  });

  // WakaTime's API (API keys, larger bodies, a streamed import) reads its own bodies.
  mountWakatime(app, ctx, docs);
  app.use('/api', requireJsonBody);
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));

  const api = express.Router();
  api.use(requireUser(ctx.auth));
  const user = { auth: 'user' } as const;
  docs.mount(api, '/api', '/me', meRoutes(ctx), { ...user, tag: 'Account', docs: meRouteDocs });
  docs.mount(api, '/api', '/teams', teamRoutes(ctx), {
    ...user,
    tag: 'Teams',
    docs: teamRouteDocs,
  });
  docs.mount(api, '/api', '/sessions', sessionRoutes(ctx), {
    ...user,
    tag: 'Sessions',
    docs: sessionRouteDocs,
  });
  docs.mount(api, '/api', '/flow', flowRoutes(ctx), { ...user, tag: 'Flow', docs: flowRouteDocs });
  docs.mount(api, '/api', '/privacy', privacyRoutes(ctx), {
    ...user,
    tag: 'Privacy',
    docs: privacyRouteDocs,
  });
  docs.mount(api, '/api', '/api-keys', apiKeyRoutes(new ApiKeyStore(ctx.db.pool)), {
    ...user,
    tag: 'API keys',
    docs: apiKeyRouteDocs,
  });
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
