import type { Request as ExpressRequest, RequestHandler } from 'express';
import { fromNodeHeaders } from 'better-auth/node';
import { errorBody, HttpError } from '../http/errors';
import type { Auth } from './auth';
import { sessionCacheOf } from './current-user';
import { aliasRequestBody, aliasUserFields } from './snake-case-aliases';

/**
 * Serves better-auth's routes (`/api/auth/*`) and rewrites its error bodies
 * into the API.md shape, so a client sees one error format everywhere.
 */
export function authRoutes(auth: Auth, bodyLimitBytes: number): RequestHandler {
  return async (req, res) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const raw = hasBody ? new Uint8Array(await readBody(req, bodyLimitBytes)) : undefined;
    const body = raw && aliasRequestBody(raw, req.headers['content-type']);
    const url = new URL(req.originalUrl, `${req.protocol}://${req.headers.host ?? 'localhost'}`);
    // Any change made through the auth routes (sign-out, revocations, password
    // or account changes) may end sessions: this instance forgets the caller's.
    const bearer = req.headers.authorization;
    if (hasBody && bearer) {
      const cache = sessionCacheOf(auth);
      const known = cache?.get(bearer);
      if (known) cache?.forgetUser(known.id);
      else cache?.forgetCredential(bearer);
    }
    const response = await auth.handler(
      new Request(url, { method: req.method, headers: requestHeaders(req, body !== raw), body }),
    );
    res.status(response.status);
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie' && name !== 'content-length') res.setHeader(name, value);
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    const text = await response.text();
    if (response.status >= 400) {
      res.json(rewriteError(response.status, text));
      return;
    }
    res.send(aliasUserFields(text));
  };
}

/** The request's headers; without its length once the body was rewritten. */
function requestHeaders(req: ExpressRequest, bodyChanged: boolean): Headers {
  const headers = fromNodeHeaders(req.headers);
  if (bodyChanged) headers.delete('content-length');
  return headers;
}

function rewriteError(status: number, text: string) {
  let parsed: { code?: string; message?: string; details?: unknown } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // better-auth answered with plain text; keep its words as the message.
  }
  const code = status === 429 ? 'rate_limited' : (parsed.code ?? `http_${status}`).toLowerCase();
  const message =
    status === 429
      ? 'Too many attempts: wait and try again'
      : (parsed.message ?? (text.slice(0, 200) || 'Authentication failed'));
  // Our own hooks (the password policy) name the bad field in `details`.
  const details = status === 400 && Array.isArray(parsed.details) ? parsed.details : undefined;
  return errorBody(code, message, details);
}

async function readBody(req: ExpressRequest, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new HttpError(
        413,
        'payload_too_large',
        `The request body is larger than the ${limit} byte limit`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
