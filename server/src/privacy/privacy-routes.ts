import { Router } from 'express';
import { z } from 'zod';
import { privacySettingsPatchSchema, userDocName, type PrivacySettings } from '@mindful/shared';
import { currentUser, sessionCacheOf } from '../auth/current-user';
import type { AppContext } from '../context';
import { inTransaction } from '../db/database';
import { parseInput } from '../http/validate';
import { PURGE_SCOPES, purgeUser } from './purge';
import { mirrorPrivacySettings } from './settings-mirror';
import { streamUserExport } from './user-export';

/** `DELETE /api/privacy/purge?scope=`. */
export const purgeQuerySchema = z.object({ scope: z.enum(PURGE_SCOPES).default('all') }).strict();

/**
 * `/api/privacy/*`: the user's settings (kept in their document, so every
 * replica sees and enforces them), a full export, and purge.
 */
export function privacyRoutes(ctx: AppContext): Router {
  const router = Router();

  const readSettings = (userId: string): Promise<PrivacySettings> =>
    ctx.registry.use(userId, async (doc) => doc.userDoc.settings);

  router.get('/settings', async (_req, res) => {
    res.json(await readSettings(currentUser(res).id));
  });

  router.put('/settings', async (req, res) => {
    const user = currentUser(res);
    const patch = parseInput(privacySettingsPatchSchema, req.body);
    const settings = await ctx.registry.write(user.id, (doc) => doc.updateSettings(patch));
    await inTransaction(ctx.db.pool, (client) => mirrorPrivacySettings(client, user.id, settings));
    res.json(settings);
  });

  router.get('/export', async (_req, res) => {
    const user = currentUser(res);
    const settings = await readSettings(user.id);
    await streamUserExport(res, ctx.db.pool, ctx.cipher, user.id, settings, new Date());
  });

  router.delete('/purge', async (req, res) => {
    const user = currentUser(res);
    const { scope } = parseInput(purgeQuerySchema, req.query, 'query string');
    const outcome = await purgeUser(ctx.db.pool, user.id, scope);
    if (scope === 'all') sessionCacheOf(ctx.auth)?.forgetUser(user.id);
    ctx.baselines.forget(user.id);
    await ctx.registry.evict(userDocName(user.id), outcome.generation);
    ctx.log.info({ scope, teams: outcome.teamsRecomputed }, 'user data purged');
    res.json({ status: 'purged', scope, generation: outcome.generation });
  });

  return router;
}
