import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const HERE = import.meta.dirname;
/**
 * Where the bundle and PGlite's runtime files go, served as `/dist/*`. Under `.mindful/`, which
 * git, eslint and prettier already ignore, so build output never lands in the tree.
 */
export const DIST = path.resolve(HERE, '../../.mindful/dashboard-dist');

/**
 * Node-only code paths (PGlite's node file system, the SDK's lock file, `ws`) are never reached in
 * a browser, but bundling inlines their imports as static ones, which a browser cannot resolve:
 * they are replaced by an empty CommonJS module.
 */
const stubNodeModules: Plugin = {
  name: 'stub-node-modules',
  setup(b) {
    b.onResolve(
      {
        filter:
          /^(node:.*|fs|fs\/promises|path|url|module|crypto|os|net|tls|http|https|child_process|ws)$/,
      },
      (args) => ({
        path: args.path,
        namespace: 'node-stub',
      }),
    );
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

/**
 * Bundles the dashboard for the browser and copies PGlite's wasm and data files next to the
 * bundle: PGlite's browser build fetches them with `new URL('./pglite.wasm', import.meta.url)`,
 * which after bundling is the bundle's own URL.
 */
export async function buildDashboard(): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  await build({
    entryPoints: [path.join(HERE, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(DIST, 'main.js'),
    sourcemap: true,
    logLevel: 'warning',
    plugins: [stubNodeModules],
  });
  const require = createRequire(import.meta.url);
  const pgliteDist = path.dirname(require.resolve('@electric-sql/pglite'));
  for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) {
    copyFileSync(path.join(pgliteDist, file), path.join(DIST, file));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildDashboard();
  console.log(`dashboard built in ${DIST}`);
}
