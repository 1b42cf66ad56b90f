import express from 'express';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { conflict, unavailable } from '../http/errors';
import { parseInput } from '../http/validate';
import { RegistryClosedError } from '../sync/document-registry';
import { DocumentClosedError } from '../sync/live-document';
import { GenerationMovedError } from '../sync/document-log';
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
  // Write-path failures that are not the client's fault, mapped to what it should do next.
  router.use(((error, _req, _res, next) => {
    if (error instanceof RegistryClosedError || error instanceof DocumentClosedError) {
      next(unavailable('The document is being reloaded or the server is restarting; retry'));
    } else if (error instanceof GenerationMovedError) {
      next(conflict('Your data was purged while this request ran'));
    } else {
      next(error);
    }
  }) as express.ErrorRequestHandler);
  return router;
}
