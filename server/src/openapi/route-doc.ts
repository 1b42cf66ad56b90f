import type { z } from 'zod';

/** HTTP methods a documented route may answer. */
export const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/**
 * Who may call a route: `user` needs a bearer token or the session cookie,
 * `public` needs nothing, `metrics` needs METRICS_TOKEN when it is set.
 */
export type RouteAuth = 'user' | 'public' | 'metrics';

/** One documented answer of a route. */
export interface RouteResponse {
  description: string;
  /** The zod schema the answer satisfies (JSON unless `contentType` says otherwise). */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
  /** Response headers worth knowing (name → description). */
  headers?: Record<string, string>;
}

/**
 * The OpenAPI description of one route, written next to the router that
 * serves it and registered where that router is mounted (see
 * `ApiDocs.mount`). The schemas are the same zod objects the handler parses
 * with, so the document cannot drift from what is validated.
 */
export interface RouteDoc {
  method: RouteMethod;
  /** Express path relative to the router's mount point, e.g. `/:id/update`. */
  path: string;
  summary: string;
  description?: string;
  /** Defaults to the mount's tag. */
  tags?: string[];
  /** Defaults to the mount's auth. */
  auth?: RouteAuth;
  /** Path parameters (an object schema); needed when `path` has `:name` segments. */
  params?: z.ZodType;
  query?: z.ZodType;
  /** JSON request body. */
  body?: z.ZodType;
  /** Whether a body must be sent (default: true when `body` is given). */
  bodyRequired?: boolean;
  /** Answers by status. Error statuses need no schema: they use the shared error shape. */
  responses: Record<number, RouteResponse>;
  /** Extra error statuses this route answers besides the ones every route may (400, 401, 415, 500). */
  errors?: number[];
  /** Vendor extensions (`x-...`) copied onto the operation. */
  extensions?: Record<`x-${string}`, unknown>;
}
