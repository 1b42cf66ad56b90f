import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import { unauthorized } from '../errors/domain-error';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics`: the sync counters in Prometheus text format (no user data).
 * With METRICS_TOKEN set, only a scraper sending `Authorization: Bearer
 * <token>` gets them (compared in constant time); others get 401.
 */
export function metricsRoute(ctx: AppContext): RequestHandler {
  const expected = ctx.config.metricsToken ? digest(ctx.config.metricsToken) : null;
  return (req, res) => {
    if (expected) {
      const header = req.get('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      if (!timingSafeEqual(digest(token), expected)) {
        throw unauthorized('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
      }
    }
    res.type('text/plain; version=0.0.4').send(
      ctx.registry.metrics.toPrometheus({
        documentsInMemory: ctx.registry.loadedCount,
        connectedReplicas: ctx.registry.peerCount,
      }),
    );
  };
}
