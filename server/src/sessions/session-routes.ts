import express from 'express';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { parseInput } from '../errors/parse-input';
import { historyQuerySchema, sessionHistory } from './session-history';
import { SessionService } from './session-service';
import { storedPathSettings, withPathReason } from './project-path-visibility';

/** `/api/sessions/*` (mounted under the authenticated API router). */
export function sessionRoutes(ctx: AppContext, service = new SessionService(ctx)): express.Router {
  const router = express.Router();
  router.post('/start', async (req, res) => {
    res.status(201).json(await service.start(currentUser(res).id, req.body));
  });
  router.put('/:id/update', async (req, res) => {
    res.json(await service.update(currentUser(res).id, req.params.id, req.body));
  });
  router.post('/:id/end', async (req, res) => {
    res.json(await service.end(currentUser(res).id, req.params.id, req.body));
  });
  router.get('/history', async (req, res) => {
    const query = parseInput(historyQuerySchema, req.query, 'query');
    const user = currentUser(res);
    const page = await sessionHistory(ctx.db.pool, ctx.cipher, user.id, query, user.timezone);
    const settings = await storedPathSettings(ctx.db.pool, user.id);
    res.json({ ...page, sessions: page.sessions.map((s) => withPathReason(s, settings)) });
  });
  return router;
}
