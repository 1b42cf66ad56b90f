import express from 'express';
import {
  FlowDetector,
  OutOfOrderInputError,
  computePersonalPatterns,
  flowStateDataSchema,
  generateInsights,
  toFlowStateResultWire,
  fromFlowStateDataWire,
} from '@mindful/shared';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { conflict } from '../errors/domain-error';
import { parseInput } from '../errors/parse-input';
import { storedInsights } from '../insights/insights-store';
import { loadSessionHistory, utcOffsetMinutes } from '../insights/session-history-entries';
import { DetectorCache } from './detector-cache';

/**
 * `/api/flow/*`. Detection is stateful per (user, session_id) like the seed's
 * engine, but does not write the user's document: it is an advisory read. It
 * judges the user against their own baseline (rhythm and peak hours), as the
 * REST sessions do.
 */
export function flowRoutes(ctx: AppContext): express.Router {
  const router = express.Router();
  const detectors = new DetectorCache({
    perUser: ctx.config.limits.flowDetectorsPerUser,
    total: ctx.config.limits.flowDetectorsMax,
  });

  router.post('/detect', async (req, res) => {
    const user = currentUser(res);
    const d = parseInput(flowStateDataSchema, req.body);
    const input = fromFlowStateDataWire(d);
    const sessionId = d.session_id ?? '';
    // Awaited before the cache is touched, so get-or-create below runs without a yield in between.
    const baseline = detectors.has(user.id, sessionId) ? null : await ctx.baselines.get(user.id);
    let detector = detectors.take(user.id, sessionId);
    if (!detector) {
      detector = new FlowDetector({ baseline });
      detectors.put(user.id, sessionId, detector);
    }
    try {
      res.json(toFlowStateResultWire(detector.update(input)));
    } catch (error) {
      if (error instanceof OutOfOrderInputError) {
        throw conflict('timestamp is earlier than the previous input of this session');
      }
      throw error;
    }
  });

  router.get('/patterns', async (_req, res) => {
    const user = currentUser(res);
    const history = await loadSessionHistory(ctx.db.pool, user.id);
    res.json(computePersonalPatterns(history, utcOffsetMinutes(user.timezone)));
  });

  router.get('/insights', async (_req, res) => {
    const user = currentUser(res);
    const stored = await storedInsights(ctx.db.pool, user.id);
    if (stored.length > 0) {
      res.json({ insights: stored });
      return;
    }
    // Not precomputed yet (new user, or the job has not run): compute, don't store.
    const history = await loadSessionHistory(ctx.db.pool, user.id);
    res.json({ insights: generateInsights(history, utcOffsetMinutes(user.timezone)) });
  });

  return router;
}
