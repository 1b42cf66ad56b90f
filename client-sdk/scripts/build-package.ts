/**
 * Builds @mindful/client-sdk as an installable package in client-sdk/dist
 * (`npm run build -w client-sdk`, then `npm pack ./client-sdk/dist`):
 *
 * - ESM JavaScript for Node (`node/`) and for browsers (`browser/`), with
 *   @mindful/shared bundled in (it is not published on its own) and every
 *   other dependency left to the installing project;
 * - `.d.ts` files from tsc (`types/`), their imports made resolvable by
 *   Node's ESM rules and `@mindful/shared` pointed at the shared
 *   declarations shipped beside them;
 * - a package.json whose `exports` map is derived from the workspace
 *   package.json's: each subpath there (`.`, `./react`, …) gets `types`,
 *   `browser` and `default` here, plus `./browser`. The workspace keeps
 *   pointing at the sources, so tests and tsx need no build.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

const SDK = path.resolve(import.meta.dirname, '..');
const DIST = path.join(SDK, 'dist');
const BIN = path.resolve(SDK, '../node_modules/.bin');

interface Manifest {
  name: string;
  version: string;
  description?: string;
  exports: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
}

const sdk = JSON.parse(readFileSync(path.join(SDK, 'package.json'), 'utf8')) as Manifest;
const shared = JSON.parse(
  readFileSync(path.join(SDK, '../shared/package.json'), 'utf8'),
) as Manifest;

/** Source entry of each subpath (`.` → `src/index.ts`), and its output name (`index`). */
const entries = Object.entries(sdk.exports).map(([subpath, source]) => ({
  subpath,
  source: path.join(SDK, source),
  name: path.relative(path.join(SDK, 'src'), path.join(SDK, source)).replace(/\.tsx?$/, ''),
}));

/** Everything but the bundled workspace package stays an import of the installed package. */
const external = [
  ...Object.keys({ ...sdk.dependencies, ...shared.dependencies, ...sdk.peerDependencies }),
].filter((name) => name !== shared.name);

/**
 * The replica template is found relative to the module that reads it:
 * `../../assets/` from `src/replica/`. In the package that module lands in a
 * chunk directly under `node/` or `browser/`, one level below the package
 * root, where `assets/` is copied.
 */
const templateBesideChunks: Plugin = {
  name: 'template-beside-chunks',
  setup(b) {
    b.onLoad({ filter: /replica[\\/]replica-template\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('`../../assets/')) {
        throw new Error(`${args.path}: the template URL moved; update build-package.ts`);
      }
      return { contents: source.replace('`../../assets/', '`../assets/'), loader: 'ts' };
    });
  },
};

function options(platform: 'node' | 'browser'): BuildOptions {
  return {
    entryPoints: Object.fromEntries(entries.map((e) => [e.name, e.source])),
    outdir: path.join(DIST, platform),
    bundle: true,
    // Node-only modules are imported lazily; separate chunks keep them out of a browser's way.
    splitting: true,
    format: 'esm',
    platform,
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    jsx: 'automatic',
    logLevel: 'warning',
    // Chunks sit directly in node/ and browser/ (the template plugin relies on it).
    chunkNames: '[name]-[hash]',
    plugins: [templateBesideChunks],
    external: [
      ...external,
      ...external.map((name) => `${name}/*`),
      ...(platform === 'browser' ? ['node:*'] : []),
    ],
  };
}

/**
 * tsc keeps import specifiers as written. For the shipped declarations to
 * resolve under Node's ESM rules (TypeScript's NodeNext): relative imports
 * get their file (`./x` → `./x.js` or `./x/index.js`), and `@mindful/shared`,
 * bundled rather than published, points at its declarations shipped beside
 * ours. (tsc-alias's --resolve-full-paths left declaration files unchanged here.)
 */
function fixDeclarationImports(root: string): void {
  const sharedIndex = path.join(root, 'shared/src/index.d.ts');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.d.ts'),
  );
  for (const relative of files) {
    const file = path.join(root, relative);
    const dir = path.dirname(file);
    const fixed = readFileSync(file, 'utf8').replace(
      /(from\s+|import\()(['"])([^'"]+)\2/g,
      (whole, lead: string, quote: string, specifier: string) => {
        let target: string | null = null;
        if (specifier === shared.name) {
          target = path.relative(dir, sharedIndex).replace(/\.d\.ts$/, '.js');
          if (!target.startsWith('.')) target = `./${target}`;
        } else if (specifier.startsWith('.') && !specifier.endsWith('.js')) {
          const base = path.resolve(dir, specifier);
          if (existsSync(`${base}.d.ts`)) target = `${specifier}.js`;
          else if (existsSync(path.join(base, 'index.d.ts'))) target = `${specifier}/index.js`;
          else throw new Error(`${file}: cannot resolve ${specifier}`);
        }
        return target === null ? whole : `${lead}${quote}${target}${quote}`;
      },
    );
    writeFileSync(file, fixed);
  }
}

/** Bare imports the bundle kept, as package names. */
function importedPackages(metafile: Metafile): Set<string> {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:')) continue;
      const parts = imported.path.split('/');
      names.add(imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return names;
}

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const node = await build(options('node'));
const browser = await build(options('browser'));

execFileSync(path.join(BIN, 'tsc'), ['-p', path.join(SDK, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
fixDeclarationImports(path.join(DIST, 'types'));

// The replica template, read by the chunks as ../assets (see templateBesideChunks).
cpSync(path.join(SDK, 'assets'), path.join(DIST, 'assets'), { recursive: true });

// The SDK's own dependencies all stay (some are imported through a variable, hidden from
// bundlers); of shared's, those its bundled code still imports.
const used = new Set([...importedPackages(node.metafile!), ...importedPackages(browser.metafile!)]);
const own = Object.fromEntries(
  Object.entries(sdk.dependencies).filter(([name]) => name !== shared.name),
);
const dependencies = {
  ...Object.fromEntries(Object.entries(shared.dependencies).filter(([name]) => used.has(name))),
  ...own,
};
const missing = [...used].filter(
  (name) => !(name in dependencies) && !sdk.peerDependencies?.[name],
);
if (missing.length > 0)
  throw new Error(`bundle imports undeclared packages: ${missing.join(', ')}`);

const exportsMap: Record<string, Record<string, string>> = {};
for (const entry of entries) {
  const conditions = {
    types: `./types/client-sdk/src/${entry.name}.d.ts`,
    browser: `./browser/${entry.name}.js`,
    default: `./node/${entry.name}.js`,
  };
  exportsMap[entry.subpath] = conditions;
  if (entry.subpath === '.') {
    exportsMap['./browser'] = { types: conditions.types, default: conditions.browser };
  }
}

const manifest = {
  name: sdk.name,
  version: sdk.version,
  description: 'Local-first client of Mindful Code: PGlite replica, Yjs document, sync.',
  type: 'module',
  license: 'UNLICENSED',
  exports: exportsMap,
  types: exportsMap['.']!.types,
  files: ['node', 'browser', 'types', 'assets', 'README.md'],
  sideEffects: false,
  dependencies,
  ...(sdk.peerDependencies ? { peerDependencies: sdk.peerDependencies } : {}),
  ...(sdk.peerDependenciesMeta ? { peerDependenciesMeta: sdk.peerDependenciesMeta } : {}),
  engines: { node: '>=20.19' },
};
writeFileSync(path.join(DIST, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  path.join(DIST, 'README.md'),
  '# @mindful/client-sdk\n\nSee docs/client-sdk.md in the Mindful Code repository.\n',
);
console.log(`built ${sdk.name}@${sdk.version} in ${path.relative(process.cwd(), DIST)}`);
