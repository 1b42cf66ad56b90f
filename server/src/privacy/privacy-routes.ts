import { Router } from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { parseInput } from '../errors/parse-input';
import { PrivacyService } from './privacy-service';
import { PURGE_SCOPES } from './purge';
import { streamUserExport } from './user-export';

/** `DELETE /api/privacy/purge?scope=`. */
export const purgeQuerySchema = z.object({ scope: z.enum(PURGE_SCOPES).default('all') }).strict();

/**
 * `/api/privacy/*`: the user's settings (kept in their document, so every
 * replica sees and enforces them), a full export, and purge.
 */
export function privacyRoutes(ctx: AppContext, service = new PrivacyService(ctx)): Router {
  const router = Router();

  router.get('/settings', async (_req, res) => {
    res.json(await service.settings(currentUser(res).id));
  });

  router.put('/settings', async (req, res) => {
    res.json(await service.updateSettings(currentUser(res).id, req.body));
  });

  router.get('/export', async (_req, res) => {
    const user = currentUser(res);
    const settings = await service.settings(user.id);
    await streamUserExport(res, ctx.db.pool, ctx.cipher, user.id, settings, new Date());
  });

  router.delete('/purge', async (req, res) => {
    const { scope } = parseInput(purgeQuerySchema, req.query, 'query string');
    const outcome = await service.purge(currentUser(res).id, scope);
    res.json({ status: 'purged', scope, generation: outcome.generation });
  });

  return router;
}
