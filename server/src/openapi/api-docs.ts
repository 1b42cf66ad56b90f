import type { Router } from 'express';
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ERROR_DESCRIPTIONS, errorBodySchema } from './common-schemas';
import type { RouteAuth, RouteDoc } from './route-doc';

/** Where a group of documented routes is mounted, and their defaults. */
export interface DocGroup {
  /** Full path prefix, e.g. `/api/sessions` ('' for routes on the app itself). */
  prefix: string;
  tag: string;
  auth: RouteAuth;
  docs: readonly RouteDoc[];
  /**
   * The Express path the group is served from when it is one catch-all route
   * (better-auth's `/api/auth/*splat`) rather than a router of its own routes.
   */
  catchAll?: string;
  /** Routes served outside Express (the sync WebSocket upgrade). */
  outsideExpress?: boolean;
}

/** A documented route with its full Express path. */
export interface DocumentedRoute {
  method: RouteDoc['method'];
  expressPath: string;
  group: DocGroup;
  doc: RouteDoc;
}

/** Static description of the whole API. */
export interface ApiInfo {
  title: string;
  version: string;
  description: string;
  tags?: { name: string; description: string }[];
}

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  user: [{ bearerAuth: [] }, { sessionCookie: [] }],
  public: [],
  // Without METRICS_TOKEN the route is open, hence the empty alternative.
  metrics: [{ metricsToken: [] }, {}],
};

/** `/:id/update` → `/{id}/update`; `*splat` stays a literal segment. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** The `:name` parameters of an Express path. */
export function pathParamNames(expressPath: string): string[] {
  return [...expressPath.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/**
 * The registry behind `GET /openapi.json`. Every router is mounted through
 * {@link ApiDocs.mount} together with the `RouteDoc[]` written beside it, so
 * a route is documented where it is mounted; a test walks the Express stack
 * and fails on any route mounted without a document, or documented but not
 * mounted (docs/api.md "Adding a route").
 */
export class ApiDocs {
  private readonly groups: DocGroup[] = [];
  private built: ReturnType<typeof createDocument> | undefined;

  constructor(private readonly info: ApiInfo) {}

  /** Registers routes that are mounted some other way (app-level routes, the socket). */
  register(group: DocGroup): void {
    this.groups.push(group);
    this.built = undefined;
  }

  /**
   * Mounts `router` at `path` on `parent` (itself mounted at `parentPrefix`)
   * and registers its documentation under the full prefix.
   */
  mount(
    parent: Router,
    parentPrefix: string,
    path: string,
    router: Router,
    group: Omit<DocGroup, 'prefix'>,
  ): void {
    parent.use(path, router);
    this.register({ ...group, prefix: `${parentPrefix}${path}` });
  }

  /** Every documented route, with its full Express path. */
  routes(): DocumentedRoute[] {
    return this.groups.flatMap((group) =>
      group.docs.map((doc) => ({
        method: doc.method,
        expressPath: joinPath(group.prefix, doc.path),
        group,
        doc,
      })),
    );
  }

  /** The registered groups (read by the route-coverage test). */
  groupsView(): readonly DocGroup[] {
    return this.groups;
  }

  /** The OpenAPI 3.1 document (built once, then cached). */
  document(): ReturnType<typeof createDocument> {
    this.built ??= this.build();
    return this.built;
  }

  private build(): ReturnType<typeof createDocument> {
    const paths: ZodOpenApiPathsObject = {};
    for (const route of this.routes()) {
      const key = toOpenApiPath(route.expressPath);
      paths[key] ??= {};
      (paths[key] as Record<string, ZodOpenApiOperationObject>)[route.method] = operation(route);
    }
    const tags = [...new Set(this.groups.map((g) => g.tag))].map(
      (name) => this.info.tags?.find((t) => t.name === name) ?? { name },
    );
    return createDocument({
      openapi: '3.1.0',
      info: {
        title: this.info.title,
        version: this.info.version,
        description: this.info.description,
      },
      tags,
      paths,
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The token from the `set-auth-token` header of sign-up or sign-in (non-browser clients).',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'better-auth.session_token',
            description:
              'The session cookie, from an origin listed in TRUSTED_ORIGINS (the dashboard).',
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'METRICS_TOKEN, when the operator set one.',
          },
        },
        schemas: { Error: errorBodySchema },
      },
    });
  }
}

function joinPath(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix || '/';
  return `${prefix}${path}`;
}

function operation(route: DocumentedRoute): ZodOpenApiOperationObject {
  const { doc, group } = route;
  const auth = doc.auth ?? group.auth;
  const names = pathParamNames(route.expressPath);
  const params =
    doc.params ??
    (names.length > 0
      ? z.object(Object.fromEntries(names.map((n) => [n, z.string()])))
      : undefined);
  const op: ZodOpenApiOperationObject = {
    operationId: `${route.method}${toOpenApiPath(route.expressPath).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags ?? [group.tag],
    security: SECURITY[auth],
    ...(params || doc.query
      ? {
          requestParams: {
            ...(params ? { path: params as z.ZodObject } : {}),
            ...(doc.query ? { query: doc.query as z.ZodObject } : {}),
          },
        }
      : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.bodyRequired ?? true,
            content: { 'application/json': { schema: doc.body } },
          },
        }
      : {}),
    responses: responses(doc, auth),
    ...(doc.extensions ?? {}),
  };
  return op;
}

function responses(doc: RouteDoc, auth: RouteAuth): ZodOpenApiResponsesObject {
  const out: ZodOpenApiResponsesObject = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    out[status as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: r.description,
      ...(r.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(r.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      ...(r.schema || r.contentType
        ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema ?? z.string() } } }
        : {}),
    };
  }
  const errors = new Set<number>([500, ...(doc.errors ?? [])]);
  if (auth === 'user' || auth === 'metrics') errors.add(401);
  if (doc.body) [400, 413, 415].forEach((s) => errors.add(s));
  if (doc.query || doc.params) errors.add(400);
  for (const status of [...errors].sort()) {
    if (out[String(status) as `4${string}`]) continue;
    out[String(status) as `4${string}`] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/json': { schema: errorBodySchema } },
    };
  }
  return out;
}
