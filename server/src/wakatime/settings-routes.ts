import express from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { parseInput } from '../errors/parse-input';

/** Body of `PUT /api/wakatime/settings`. */
export const wakatimeSettingsSchema = z
  .object({ idle_timeout_minutes: z.number().int().min(1).max(120) })
  .strict();

/**
 * `/api/wakatime/settings`: the idle timeout that joins heartbeats into
 * durations (default 15 minutes, as WakaTime). A change applies to sessions
 * rebuilt from then on (each ingest rebuilds the sessions its heartbeats touch).
 */
export function settingsRoutes(ctx: Pick<AppContext, 'db'>): express.Router {
  const router = express.Router();
  const read = async (userId: string) => {
    const { rows } = await ctx.db.pool.query<{ s: number }>(
      'SELECT wakatime_idle_timeout_s AS s FROM users WHERE id = $1',
      [userId],
    );
    return { idle_timeout_minutes: (rows[0]?.s ?? 900) / 60 };
  };
  router.get('/', async (_req, res) => {
    res.json(await read(currentUser(res).id));
  });
  router.put('/', async (req, res) => {
    const input = parseInput(wakatimeSettingsSchema, req.body);
    const userId = currentUser(res).id;
    await ctx.db.pool.query(
      'UPDATE users SET wakatime_idle_timeout_s = $2, updated_at = NOW() WHERE id = $1',
      [userId, input.idle_timeout_minutes * 60],
    );
    res.json(await read(userId));
  });
  return router;
}
