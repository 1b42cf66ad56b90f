import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/connection-errors';
import { DomainError, fieldProblems, type DomainErrorCode } from '../errors/domain-error';
import { loggablePath } from '../log/logger';
import { GenerationMovedError } from '../sync/document-log';
import { RegistryClosedError } from '../sync/document-registry';
import { DocumentClosedError, DocumentTooLargeError } from '../sync/live-document';

/**
 * An error of the HTTP transport itself (e.g. a body over the limit), with its
 * status and API.md error code. Rules of the domain throw {@link DomainError}.
 */
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

/** The status of each domain error code: the one mapping every router answers with. */
const STATUS_OF: Record<DomainErrorCode, number> = {
  validation_error: 400,
  unauthorized: 401,
  tier_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

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

/**
 * Maps every thrown error to API.md's shape, for every router: domain errors
 * by their code, the sync core's write-path errors, body-parser and store
 * failures; anything else is a 500. Never sends a stack trace.
 */
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
  if (error instanceof DomainError) {
    return {
      status: STATUS_OF[error.code],
      code: error.code,
      message: error.message,
      details: error.details,
    };
  }
  if (error instanceof HttpError) return error;
  // Write-path failures that are not the client's fault, mapped to what it should do next.
  if (error instanceof RegistryClosedError || error instanceof DocumentClosedError) {
    return {
      status: 503,
      code: 'unavailable',
      message: 'The document is being reloaded or the server is restarting; retry',
    };
  }
  if (error instanceof GenerationMovedError) {
    return {
      status: 409,
      code: 'conflict',
      message: 'Your data was purged while this request ran',
    };
  }
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
  if (error instanceof DocumentTooLargeError) {
    return { status: 413, code: 'document_too_large', message: error.message };
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
