import express from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/current-user';
import { HttpError } from '../http/errors';
import { notFound } from '../errors/domain-error';
import { parseInput } from '../errors/parse-input';
import { TooManyKeysError, type ApiKeyStore } from './api-key-store';

/** Body of `POST /api/api-keys`. */
export const createApiKeySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL bytes' })
    .default('WakaTime'),
});

const idSchema = z.string().uuid();

/**
 * `/api/api-keys` (mounted under the signed-in API router: a key cannot mint
 * or revoke keys). `POST` answers the key once; `GET` lists prefixes only;
 * `DELETE /:id` revokes at once.
 */
export function apiKeyRoutes(keys: ApiKeyStore): express.Router {
  const router = express.Router();
  router.post('/', async (req, res) => {
    const { name } = parseInput(createApiKeySchema, req.body ?? {});
    try {
      res.status(201).json(await keys.create(currentUser(res).id, name));
    } catch (error) {
      if (error instanceof TooManyKeysError)
        throw new HttpError(409, 'too_many_keys', error.message);
      throw error;
    }
  });
  router.get('/', async (_req, res) => {
    res.json({ api_keys: await keys.list(currentUser(res).id) });
  });
  router.delete('/:id', async (req, res) => {
    const id = idSchema.safeParse(req.params.id);
    if (!id.success || !(await keys.revoke(currentUser(res).id, id.data))) {
      throw notFound('No such API key');
    }
    res.status(204).end();
  });
  return router;
}
