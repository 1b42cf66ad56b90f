import express from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/current-user';
import { HttpError } from '../http/errors';
import { conflict, notFound } from '../errors/domain-error';
import { ImportFormatError, importExport } from './export-import';
import type { HeartbeatIngest } from './heartbeat-ingest';
import type { ImportStore } from './import-store';

const idSchema = z.string().uuid();

/**
 * `/api/wakatime/imports`: `POST` makes a job, `PUT /:id/data` streams the
 * export into it (answering the finished job), `GET /:id` polls its
 * progress from any instance, `GET` lists the user's jobs.
 */
export function importRoutes(ingest: HeartbeatIngest, imports: ImportStore): express.Router {
  const router = express.Router();
  const jobId = (raw: string) => {
    const parsed = idSchema.safeParse(raw);
    if (!parsed.success) throw notFound('No such import');
    return parsed.data.toLowerCase();
  };

  router.post('/', async (_req, res) => {
    const job = await imports.create(currentUser(res).id);
    res.status(201).location(`/api/wakatime/imports/${job.id}`).json(job);
  });
  router.get('/', async (_req, res) => {
    res.json({ imports: await imports.list(currentUser(res).id) });
  });
  router.get('/:id', async (req, res) => {
    const job = await imports.get(currentUser(res).id, jobId(req.params.id));
    if (!job) throw notFound('No such import');
    res.json(job);
  });
  router.put('/:id/data', async (req, res) => {
    const userId = currentUser(res).id;
    const id = jobId(req.params.id);
    const length = Number(req.get('content-length'));
    if (!(await imports.start(userId, id, Number.isFinite(length) ? length : null))) {
      if (!(await imports.get(userId, id))) throw notFound('No such import');
      throw conflict('This import has already received its data; create a new import');
    }
    let progress;
    try {
      progress = await importExport(req, { id, userId }, { ingest, imports });
    } catch (failure) {
      const known = failure instanceof ImportFormatError;
      // The counters keep what was stored before the failure (it stays stored).
      await imports.fail(id, known ? failure.message : 'The import failed on our side');
      if (!known) throw failure;
      // The rest of the upload may still be on the socket: don't reuse it.
      res.setHeader('connection', 'close');
      throw new HttpError(400, 'invalid_export', failure.message, await imports.get(userId, id));
    }
    await imports.finish(id, progress);
    res.json(await imports.get(userId, id));
  });
  return router;
}
