import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/** Media types the API reads bodies in. */
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * 415 for a request whose body is not JSON. Without it express.json() skips
 * such a body and the route sees none: a form-encoded start request created
 * a session without its fields.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (!hasBody || req.is(JSON_TYPES)) {
    next();
    return;
  }
  const got = req.get('content-type') ?? 'no Content-Type';
  next(
    new HttpError(
      415,
      'unsupported_media_type',
      `The body must be JSON: send Content-Type: application/json (got ${got})`,
    ),
  );
};
