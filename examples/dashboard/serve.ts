import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import path from 'node:path';
import { DIST, buildDashboard } from './build';

const HERE = import.meta.dirname;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
};

/** A running dashboard server. */
export interface DashboardServer {
  url: string;
  /** Where `/api/*` and `/sync/*` are forwarded (the Mindful server). */
  setApiUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * Builds the dashboard and serves it, forwarding `/api/*` and the `/sync/*` WebSocket to the
 * Mindful server, so the page talks to one origin (no CORS, and the sign-in response's
 * `set-auth-token` header is readable) — the layout of a production deployment behind one host.
 */
export async function startDashboardServer(
  options: { apiUrl?: string; port?: number } = {},
): Promise<DashboardServer> {
  await buildDashboard();
  let api = options.apiUrl ? new URL(options.apiUrl) : null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      if (!api) return void res.writeHead(503).end('no API server configured');
      const upstream = http.request(
        {
          host: api.hostname,
          port: api.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: api.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end('API server unreachable'));
      req.pipe(upstream);
      return;
    }
    const file = url.pathname.startsWith('/dist/')
      ? path.join(DIST, path.normalize(url.pathname.slice('/dist/'.length)))
      : path.join(HERE, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    const root = url.pathname.startsWith('/dist/') ? DIST : HERE;
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404).end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  // WebSocket upgrades to /sync/* are spliced through to the API server byte for byte.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (!api || !req.url?.startsWith('/sync/')) return void socket.destroy();
    const upstream = net.connect(Number(api.port), api.hostname, () => {
      const headers = Object.entries({ ...req.headers, host: api!.host })
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
        .join('\r\n');
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setApiUrl: (url) => void (api = new URL(url)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const apiUrl = process.env.MINDFUL_SERVER_URL ?? 'http://127.0.0.1:8080';
  const dashboard = await startDashboardServer({
    apiUrl,
    port: Number(process.env.DASHBOARD_PORT ?? 5173),
  });
  console.log(
    `dashboard on ${dashboard.url} (API ${apiUrl}); set TRUSTED_ORIGINS=${dashboard.url} on the server`,
  );
}
