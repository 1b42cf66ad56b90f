import type { RequestHandler } from 'express';
import { CLIENT_IP_HEADER } from './auth';

/**
 * Lets the VS Code extension (Node's fetch) sign in. Node's fetch sends
 * `sec-fetch-mode: cors` but no Origin, and better-auth's CSRF guard then
 * refuses with MISSING_OR_NULL_ORIGIN. CSRF needs a browser carrying ambient
 * credentials; a browser always sends Origin on a cross-origin POST, so a
 * request with neither Origin, Referer nor Cookie is not one. For those
 * requests only, the fetch-metadata headers are dropped.
 */
export const nonBrowserClients: RequestHandler = (req, _res, next) => {
  const h = req.headers;
  if (!h.origin && !h.referer && !h.cookie) {
    delete h['sec-fetch-mode'];
    delete h['sec-fetch-site'];
    delete h['sec-fetch-dest'];
  }
  next();
};

/** Records the peer address for auth rate limiting, overwriting anything the client sent. */
export const clientAddress: RequestHandler = (req, _res, next) => {
  req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  next();
};
