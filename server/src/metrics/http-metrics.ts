import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { loggablePath } from '../log/logger';
import type { RouteTable } from '../openapi/express-routes';
import type { ServerMetrics } from './server-metrics';

/** Label of requests no route serves (404s): one series, whatever the path. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Times every request into the duration histogram, labelled by the route
 * template that served it (never the concrete path: ids would explode the
 * series), and logs it at debug: at info, seeding one team wrote thousands
 * of lines.
 */
export function observeRequests(
  metrics: ServerMetrics,
  routes: RouteTable,
  log: Logger,
): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = loggablePath(req.originalUrl);
      const route = routes.templateOf(req, path) ?? UNMATCHED_ROUTE;
      metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      log.debug(
        { method: req.method, path, status: res.statusCode, ms: seconds * 1000 },
        'request',
      );
    });
    next();
  };
}
