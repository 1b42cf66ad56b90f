import { createServer, type ViteDevServer } from 'vite';
import { dashboardConfig } from './vite.config';

/** A running dashboard dev server. */
export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the dashboard with Vite's dev server, forwarding `/api/*` and `/sync/*` (WebSocket) to
 * the Mindful server at `apiUrl`. Start the Mindful server with `TRUSTED_ORIGINS=<url>`.
 */
export async function startDashboardServer(options: {
  apiUrl: string;
  port?: number;
}): Promise<DashboardServer> {
  const config = dashboardConfig(options.apiUrl);
  const vite: ViteDevServer = await createServer({
    ...config,
    configFile: false,
    server: { ...config.server, host: '127.0.0.1', port: options.port ?? 0 },
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0]?.replace(/\/$/, '');
  if (!url) throw new Error('the dashboard dev server has no local URL');
  return { url, close: () => vite.close() };
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
