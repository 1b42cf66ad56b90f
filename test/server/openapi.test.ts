import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_CLOSE } from '@mindful/shared';
import { createApp, mountedRoutes, type ApiDocs, type RunningServer } from '@mindful/server';
import { openTestDatabase, type TestDatabase } from '../helpers/databases';
import { blockNonLocalRequests, launchChromium, watchPage } from '../helpers/browser';
import { signUp, startTestServer } from '../helpers/test-server';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { 'x-close-codes'?: { code: number }[] }>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('OpenAPI document and reference page', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    server = await startTestServer(db);
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as OpenApiDoc;
  });
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result.warnings).toEqual([]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'bearerAuth',
      'metricsToken',
      'sessionCookie',
    ]);
  });

  it('documents every mounted route, and mounts every documented one', () => {
    const app = createApp(server.ctx);
    const docs = app.locals.apiDocs as ApiDocs;
    const mounted = mountedRoutes(app);
    expect(mounted.length).toBeGreaterThan(20);
    const catchAlls = new Set(docs.groupsView().flatMap((g) => (g.catchAll ? [g.catchAll] : [])));
    const documented = docs.routes();
    const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
    const documentedKeys = new Set(documented.map((r) => key(r.method, r.expressPath)));

    const undocumented = mounted
      .filter((r) => !catchAlls.has(r.path))
      .map((r) => key(r.method, r.path))
      .filter((k) => !documentedKeys.has(k));
    expect(undocumented, 'mounted but missing from /openapi.json').toEqual([]);

    const mountedKeys = new Set(mounted.map((r) => key(r.method, r.path)));
    const unmounted = documented
      .filter((r) => !r.group.outsideExpress && !r.group.catchAll)
      .map((r) => key(r.method, r.expressPath))
      .filter((k) => !mountedKeys.has(k));
    expect(unmounted, 'documented but not mounted').toEqual([]);

    // A catch-all (better-auth) must be mounted where its group says, and document something.
    for (const group of docs.groupsView().filter((g) => g.catchAll)) {
      expect(mounted.some((r) => r.path === group.catchAll)).toBe(true);
      expect(group.docs.length).toBeGreaterThan(0);
    }
    // Every documented operation is in the served document.
    for (const route of documented) {
      const path = route.expressPath.replace(/:([A-Za-z_]\w*)/g, '{$1}');
      expect(doc.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
    }
  });

  it('lists every sync close code on the socket route', () => {
    const listed = doc.paths['/sync/{doc}']?.get?.['x-close-codes']?.map((c) => c.code) ?? [];
    expect(listed.sort()).toEqual(
      Object.values(SYNC_CLOSE)
        .map((c) => c.code)
        .sort(),
    );
  });

  it('answers 404 to an unknown /api route before authentication, for everyone', async () => {
    const user = await signUp(server.url);
    for (const path of ['/api/nope', '/api/sessions/x/y/z', '/api/teams/abc/unknown']) {
      const anonymous = await fetch(`${server.url}${path}`);
      expect(anonymous.status, path).toBe(404);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
        'not_found',
      );
      const signedIn = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(signedIn.status, path).toBe(404);
    }
    // A known route still wants credentials, and a wrong method on it is unknown.
    expect((await fetch(`${server.url}/api/sessions/history`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/me/`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/sessions/history`, { method: 'DELETE' })).status).toBe(
      404,
    );
  });

  it('serves /docs with no request leaving the machine', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const blocked = await blockNonLocalRequests(context);
      const page = await context.newPage();
      const diagnostics = watchPage(page);
      await page.goto(`${server.url}/docs`);
      await page.getByText('/api/sessions/{id}/update').first().waitFor({ timeout: 30_000 });
      await page.getByText('/sync/{doc}').first().waitFor();
      expect(diagnostics.errors, diagnostics.logs.join('\n')).toEqual([]);
      expect(blocked).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
