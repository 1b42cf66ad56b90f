import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by `scripts/ensure-chromium.sh`), or `CHROMIUM_PATH`. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium with background networking off (no component updates, sync, QUIC
 * probes), so the only requests are the ones a page makes.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Aborts every request of `context` that is not to this machine and records its URL, so a test
 * can assert that the returned list stays empty (an "offline" claim that can actually fail).
 */
export async function blockNonLocalRequests(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL_HOSTS.has(url.hostname)) {
      return route.continue();
    }
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return blocked;
}

/** Uncaught page errors, and console lines plus failed requests for a failure message. */
export interface PageDiagnostics {
  readonly errors: string[];
  readonly logs: string[];
}

/** Starts collecting {@link PageDiagnostics} of `page`. */
export function watchPage(page: Page): PageDiagnostics {
  const diagnostics: PageDiagnostics = { errors: [], logs: [] };
  page.on('pageerror', (error) => diagnostics.errors.push(error.message));
  page.on('console', (message) => diagnostics.logs.push(`${message.type()}: ${message.text()}`));
  page.on('requestfailed', (request) =>
    diagnostics.logs.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  return diagnostics;
}

/** A body served from memory. */
export interface StaticFile {
  readonly body: string | Uint8Array;
  readonly type: string;
}

/** A running {@link startStaticServer}. */
export interface StaticServer {
  readonly url: string;
  /** Paths of every request served so far, in order (404s included). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Serves `files` (exact paths, from memory) and the files under each `dirs` prefix (e.g.
 * `{ '/ort/': onnxruntimeDist }`) on 127.0.0.1, port 0. Only `.js`, `.mjs` and `.wasm` are served
 * from directories: a test server has no business exposing anything else from `node_modules`.
 */
export async function startStaticServer(options: {
  files?: Record<string, StaticFile>;
  dirs?: Record<string, string>;
}): Promise<StaticServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(pathname);
    const file = options.files?.[pathname];
    if (file) {
      return void res.writeHead(200, { 'content-type': file.type }).end(file.body);
    }
    const located = locate(pathname, options.dirs ?? {});
    if (!located) return void res.writeHead(404).end('not found');
    readFile(located.file).then(
      (body) => res.writeHead(200, { 'content-type': located.type }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function locate(
  pathname: string,
  dirs: Record<string, string>,
): { file: string; type: string } | null {
  for (const [prefix, dir] of Object.entries(dirs)) {
    if (!pathname.startsWith(prefix)) continue;
    const file = path.join(dir, path.normalize(decodeURIComponent(pathname.slice(prefix.length))));
    const type = TYPES[path.extname(file)];
    // path.join normalises `..` away; anything still outside `dir` is a traversal attempt.
    if (type && file.startsWith(dir + path.sep)) return { file, type };
  }
  return null;
}
