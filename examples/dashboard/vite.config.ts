import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions, type UserConfig } from 'vite';

const HERE = import.meta.dirname;

/**
 * Where `/api/*` and the `/sync/*` WebSocket go: the Mindful server, so the page talks to one
 * origin (no CORS, and the sign-in answer's `set-auth-token` header is readable) — the layout of
 * a production deployment behind one host.
 */
export function dashboardProxy(apiUrl: string): Record<string, ProxyOptions> {
  return {
    '/api': { target: apiUrl },
    '/sync': { target: apiUrl, ws: true },
  };
}

/** The dashboard's Vite configuration (dev server, proxy, production build). */
export function dashboardConfig(apiUrl: string): UserConfig {
  return {
    root: HERE,
    plugins: [react()],
    // PGlite loads its wasm and data next to its own module: it must not be pre-bundled.
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
    server: { proxy: dashboardProxy(apiUrl), strictPort: false },
    preview: { proxy: dashboardProxy(apiUrl) },
    build: {
      // Under `.mindful/`, which git, eslint and prettier already ignore.
      outDir: path.resolve(HERE, '../../.mindful/dashboard-dist'),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 2000,
    },
    logLevel: 'warn',
  };
}

export default defineConfig(
  dashboardConfig(process.env.MINDFUL_SERVER_URL ?? 'http://127.0.0.1:8080'),
);
