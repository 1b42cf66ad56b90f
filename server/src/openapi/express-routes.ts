import type { Express, RequestHandler } from 'express';
import { match } from 'path-to-regexp';
import { errorBody } from '../http/errors';
import { loggablePath } from '../log/logger';

/** A route Express will dispatch: method (lower case, or `all`) and full path. */
export interface MountedRoute {
  method: string;
  path: string;
}

/** The parts of Express 5's router layers this file reads (not in its types). */
interface Layer {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route mounted on `app`, found by walking Express's router stack
 * (nested routers included), so the OpenAPI test and the unknown-route guard
 * see what is actually served, not what someone remembered to write down.
 */
export function mountedRoutes(app: Express): MountedRoute[] {
  const root = (app as unknown as { router: { stack: Layer[] } }).router;
  const out: MountedRoute[] = [];
  walk(root.stack, '', out);
  return out;
}

function walk(stack: Layer[], prefix: string, out: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (!on) continue;
        out.push({
          method: method === '_all' ? 'all' : method,
          path: join(prefix, layer.route.path),
        });
      }
    } else if (layer.handle?.stack) {
      const raw = Array.isArray(layer.rawPath) ? layer.rawPath[0] : layer.rawPath;
      walk(layer.handle.stack, raw && raw !== '/' ? join(prefix, raw) : prefix, out);
    }
  }
}

function join(prefix: string, path: string): string {
  if (path === '/') return prefix || '/';
  return `${prefix}${path}`;
}

interface Matcher {
  /** Mount order: the first route mounted wins, as in Express. */
  order: number;
  path: string;
  test: (path: string) => boolean;
}

/**
 * The mounted routes as matchers, built from the app on first use (every
 * route is mounted by then), grouped by method: which template, if any,
 * serves a request. A request's answer is kept for the request (the
 * unknown-route guard and the metrics both ask).
 */
export class RouteTable {
  private byMethod: Map<string, Matcher[]> | undefined;
  private readonly answered = new WeakMap<object, { key: string; template: string | null }>();

  constructor(private readonly app: Express) {}

  /** The Express path template serving `method path`, or null when none does. */
  template(method: string, path: string): string | null {
    this.byMethod ??= this.build();
    const wanted = method === 'HEAD' ? 'get' : method.toLowerCase();
    const trimmed = path.length > 1 ? path.replace(/\/$/, '') : path;
    // OPTIONS is the CORS preflight, answered by the cors middleware for known paths.
    const groups =
      wanted === 'options'
        ? [...this.byMethod.values()]
        : [this.byMethod.get(wanted), this.byMethod.get('all')];
    let found: Matcher | undefined;
    for (const group of groups) {
      const first = group?.find((r) => r.test(trimmed));
      if (first && (!found || first.order < found.order)) found = first;
    }
    return found?.path ?? null;
  }

  /** {@link template} for `req` (by its method and `path`), computed once per request. */
  templateOf(req: object & { method: string }, path: string): string | null {
    const key = `${req.method} ${path}`;
    const kept = this.answered.get(req);
    if (kept?.key === key) return kept.template;
    const template = this.template(req.method, path);
    this.answered.set(req, { key, template });
    return template;
  }

  private build(): Map<string, Matcher[]> {
    const byMethod = new Map<string, Matcher[]>();
    mountedRoutes(this.app).forEach((r, order) => {
      const m = match(r.path, { decode: false, end: true });
      const group = byMethod.get(r.method) ?? [];
      group.push({ order, path: r.path, test: (p: string) => m(p) !== false });
      byMethod.set(r.method, group);
    });
    return byMethod;
  }
}

/**
 * Answers 404 for a request under `/api` that no mounted route matches,
 * before authentication runs: an anonymous caller learns nothing more from
 * an unknown route than a signed-in one.
 */
export function unknownApiRoutes(routes: RouteTable): RequestHandler {
  return (req, res, next) => {
    if (req.path !== '/api' && !req.path.startsWith('/api/')) {
      next();
      return;
    }
    if (routes.templateOf(req, req.path) !== null) {
      next();
      return;
    }
    res
      .status(404)
      .json(errorBody('not_found', `No route for ${req.method} ${loggablePath(req.originalUrl)}`));
  };
}
