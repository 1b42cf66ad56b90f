import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { unauthorized } from '../errors/domain-error';
import type { ServerMetrics } from '../metrics/server-metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics`: prom-client's registry (process, heap, GC, event loop, HTTP
 * durations, sync counters and gauges, job runs) in Prometheus text format;
 * no user data.
 * With METRICS_TOKEN set, only a scraper sending `Authorization: Bearer
 * <token>` gets them (compared in constant time); others get 401.
 */
export function metricsRoute(ctx: AppContext, metrics: ServerMetrics): RequestHandler {
  const expected = ctx.config.metricsToken ? digest(ctx.config.metricsToken) : null;
  return async (req, res) => {
    if (expected) {
      const header = req.get('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      if (!timingSafeEqual(digest(token), expected)) {
        throw unauthorized('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
      }
    }
    const text = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(text);
  };
}
