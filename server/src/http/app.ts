import cors from 'cors';
import express from 'express';
import { authRoutes } from '../auth/auth-routes';
import { clientAddress, nonBrowserClients } from '../auth/non-browser-clients';
import { currentUser, requireUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { loggablePath } from '../log/logger';
import { errorBody, errorHandler, notFoundHandler } from './errors';
import { metricsRoute } from './metrics-route';
import { flowRoutes } from '../flow/flow-routes';
import { privacyRoutes } from '../privacy/privacy-routes';
import { sessionRoutes } from '../sessions/session-routes';
import { teamRoutes } from '../teams/team-routes';
import { ApiKeyStore } from '../api-keys/api-key-store';
import { apiKeyRoutes } from '../api-keys/api-key-routes';
import { wakatimeRoutes } from '../wakatime/wakatime-routes';

/** Largest JSON body the API reads; bigger ones get 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** The Express application: auth, the REST API and its error handling. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
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
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      ctx.log.info(
        {
          method: req.method,
          path: loggablePath(req.originalUrl),
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });

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

  app.get('/metrics', metricsRoute(ctx));

  // better-auth reads the raw body itself: mount it before express.json().
  app.all('/api/auth/*splat', nonBrowserClients, authRoutes(ctx.auth, BODY_LIMIT_BYTES));

  // WakaTime's API (API keys, larger bodies) parses its own bodies: before express.json().
  app.use(wakatimeRoutes(ctx));
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));

  const api = express.Router();
  api.use(requireUser(ctx.auth));
  api.get('/me', (_req, res) => {
    const user = currentUser(res);
    res.json({
      id: user.id,
      email: user.email,
      name: user.name,
      subscription_tier: user.subscriptionTier,
      timezone: user.timezone,
    });
  });
  api.use('/teams', teamRoutes(ctx));
  api.use('/sessions', sessionRoutes(ctx));
  api.use('/flow', flowRoutes(ctx));
  api.use('/privacy', privacyRoutes(ctx));
  api.use('/api-keys', apiKeyRoutes(new ApiKeyStore(ctx.db.pool)));
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
