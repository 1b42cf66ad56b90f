import express from 'express';
import { currentUser } from '../auth/current-user';
import type { AppContext } from '../context';
import { HttpError } from '../http/errors';
import { badRequest } from '../errors/domain-error';
import { checkHeartbeat, HEARTBEAT_LIMITS, heartbeatWire, type Heartbeat } from './heartbeat-input';
import type { HeartbeatIngest } from './heartbeat-ingest';
import { heartbeatFingerprint, nameUuid } from './heartbeat-store';

function requestHeaders(req: express.Request): {
  userAgent: string | null;
  machine: string | null;
} {
  const machine = req.get('x-machine-name')?.trim();
  return {
    userAgent: req.get('user-agent')?.slice(0, 512) ?? null,
    machine: machine && !machine.includes('\u0000') ? machine.slice(0, 128) : null,
  };
}

/**
 * `POST /users/current/heartbeats` (one) and `/users/current/heartbeats.bulk`
 * (an array of at most {@link HEARTBEAT_LIMITS.maxBulk}), answered as
 * WakaTime answers them.
 */
export function heartbeatRoutes(
  ctx: Pick<AppContext, 'cipher'>,
  ingest: HeartbeatIngest,
): express.Router {
  const router = express.Router();
  const idOf = (hb: Heartbeat) => nameUuid(heartbeatFingerprint(ctx.cipher, hb));

  router.post('/users/current/heartbeats', async (req, res) => {
    if (Array.isArray(req.body)) {
      throw badRequest('Send one heartbeat object here, or an array to heartbeats.bulk');
    }
    const check = checkHeartbeat(req.body, Date.now(), requestHeaders(req));
    if (!check.ok)
      throw new HttpError(400, check.problem.code, check.problem.message, check.problem.details);
    await ingest.ingest(currentUser(res).id, [check.heartbeat]);
    res.status(201).json({ data: heartbeatWire(check.heartbeat, idOf(check.heartbeat)) });
  });

  router.post('/users/current/heartbeats.bulk', async (req, res) => {
    const body: unknown = req.body;
    if (!Array.isArray(body)) throw badRequest('heartbeats.bulk takes a JSON array of heartbeats');
    if (body.length > HEARTBEAT_LIMITS.maxBulk) {
      throw new HttpError(
        400,
        'too_many_heartbeats',
        `A bulk holds at most ${HEARTBEAT_LIMITS.maxBulk} heartbeats; this one has ${body.length}. Nothing was stored.`,
        [
          {
            field: '(body)',
            message: `${body.length} heartbeats; at most ${HEARTBEAT_LIMITS.maxBulk}`,
          },
        ],
      );
    }
    const now = Date.now();
    const headers = requestHeaders(req);
    const checks = body.map((raw) => checkHeartbeat(raw, now, headers));
    const valid = checks.flatMap((c) => (c.ok ? [c.heartbeat] : []));
    await ingest.ingest(currentUser(res).id, valid);
    // wakatime-cli reads `error` as a string and `errors` as field → messages.
    const responses = checks.map((c) =>
      c.ok
        ? [{ data: heartbeatWire(c.heartbeat, idOf(c.heartbeat)) }, 201]
        : [
            {
              error: `${c.problem.code}: ${c.problem.message}`,
              code: c.problem.code,
              errors: Object.fromEntries(
                (c.problem.details ?? []).map((d) => [d.field, [d.message]]),
              ),
            },
            400,
          ],
    );
    res.status(202).json({ responses });
  });
  return router;
}
