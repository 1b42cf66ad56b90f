import { createRequire } from 'node:module';
import path from 'node:path';
import type { Express } from 'express';
import { z } from 'zod';
import type { ApiDocs } from './api-docs';
import type { RouteDoc } from './route-doc';

/**
 * Swagger UI's prebuilt files, served from this server so `/docs` works with
 * no network (no CDN). Only these files: the package also ships a demo page
 * that loads a document from the internet.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const assetDir = path.dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Mindful Code API</title>
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" />
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`;

const assetParams = z.object({ file: z.enum(Object.keys(ASSETS) as [string, ...string[]]) });

/** Documentation of the routes below. */
export const referenceRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    responses: {
      200: { description: 'The document', schema: z.looseObject({ openapi: z.string() }) },
    },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'Interactive API reference (HTML; every asset served locally)',
    responses: { 200: { description: 'The page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs/init.js',
    summary: 'Start-up script of the reference page',
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
  {
    method: 'get',
    path: '/docs/assets/:file',
    summary: 'Swagger UI file used by the reference page',
    params: assetParams,
    responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
    errors: [404],
  },
];

/** Serves `GET /openapi.json` and the reference page at `/docs`. */
export function mountReference(app: Express, docs: ApiDocs): void {
  app.get('/openapi.json', (_req, res) => {
    res.json(docs.document());
  });
  app.get('/docs', (_req, res) => {
    res.type('text/html; charset=utf-8').send(PAGE);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').send(INIT);
  });
  app.get('/docs/assets/:file', (req, res, next) => {
    const parsed = assetParams.safeParse(req.params);
    if (!parsed.success) {
      next();
      return;
    }
    res.type(ASSETS[parsed.data.file]!);
    res.sendFile(path.join(assetDir, parsed.data.file), { maxAge: '1d' });
  });
  docs.register({ prefix: '', tag: 'Service', auth: 'public', docs: referenceRouteDocs });
}
