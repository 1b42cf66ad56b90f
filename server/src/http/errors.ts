import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/connection-errors';
import { loggablePath } from '../log/logger';

/** One bad field of a request: where it is and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An error with an HTTP status and the API.md error code; the message is shown to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, details?: FieldProblem[]) =>
  new HttpError(400, 'validation_error', message, details);
export const unauthorized = (message = 'Sign in first: send Authorization: Bearer <token>') =>
  new HttpError(401, 'unauthorized', message);
export const paymentRequired = (message: string) => new HttpError(402, 'tier_required', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Not found') => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);

/** Zod issues as API.md `details`: one entry per bad field. */
export function fieldProblems(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/** The body of every error response. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Unknown routes get a JSON 404 like every other error. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res
    .status(404)
    .json(errorBody('not_found', `No route for ${req.method} ${loggablePath(req.originalUrl)}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Maps every thrown error to API.md's shape; never sends a stack trace. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const sent = toResponse(error);
    if (sent.status >= 500) {
      log.error(
        { err: error, method: req.method, path: loggablePath(req.originalUrl) },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // The rest of an oversize body is still on the socket: don't reuse it.
    if (sent.status === 413) res.setHeader('connection', 'close');
    res.status(sent.status).json(errorBody(sent.code, sent.message, sent.details));
  };
}

function toResponse(error: unknown): {
  status: number;
  code: string;
  message: string;
  details?: unknown;
} {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) {
    return {
      status: 400,
      code: 'validation_error',
      message: 'The request is invalid',
      details: fieldProblems(error),
    };
  }
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.too.large') {
    return {
      status: 413,
      code: 'payload_too_large',
      message: `The request body is larger than the ${parserError.limit ?? 'allowed'} byte limit`,
    };
  }
  if (parserError?.type === 'entity.parse.failed') {
    return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON' };
  }
  if (parserError?.type && parserError.status && parserError.status < 500) {
    return {
      status: parserError.status,
      code: 'bad_request',
      message: 'The request body could not be read',
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      code: 'unavailable',
      message: 'The database is not answering; retry shortly',
    };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side' };
}
