import type * as Tar from 'tar';

/**
 * The pre-initialised, migrated PGlite data directory a new replica starts
 * from. PGlite's own first start runs `initdb` in a second PGlite instance,
 * which took seconds and most of a GB of RSS — too much for an editor's
 * extension host. The template is a replica's directory right after `initdb`
 * and the replica migrations, dumped by `npm run replica:template` into
 * `client-sdk/assets/`; it is only valid for the PGlite release that wrote
 * it, hence the version in its name. Where it cannot be read (a browser, a
 * bundle without the asset) PGlite runs `initdb` as before.
 */

/** The PGlite release the shipped template was written by (the SDK pins this exact version). */
export const TEMPLATE_PGLITE_VERSION = '0.5.14';

type TarModule = typeof Tar;

const TEMPLATE_URL = new URL(
  `../../assets/pglite-${TEMPLATE_PGLITE_VERSION}-datadir.tar.gz`,
  import.meta.url,
);

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Where the template lives on disk; undefined outside Node or when the SDK is not loaded from files. */
export async function replicaTemplatePath(): Promise<string | undefined> {
  if (!isNode() || TEMPLATE_URL.protocol !== 'file:') return undefined;
  // node:* modules are imported where used: a browser bundle must never reach them.
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(TEMPLATE_URL);
}

/** How a replica at some `dataDir` starts. */
export type ReplicaStart =
  /** The directory already holds a replica (or is not a Node directory): PGlite opens it. */
  | { kind: 'existing' }
  /** A new in-memory replica: PGlite loads the template from this dump. */
  | { kind: 'load'; dump: Blob }
  /** A new directory, unpacked from the template just now: PGlite opens it like an existing one. */
  | { kind: 'unpacked' };

/**
 * Prepares `dataDir` for PGlite. A new Node directory is unpacked from the
 * template chunk by chunk — PGlite's `loadDataDir` would hold the whole
 * unpacked tarball in memory — into a sibling directory first and renamed into
 * place, so a crash mid-way never leaves a half-written replica. The unpack is
 * synchronous: about 1,000 small files cost some 0.2 s that way, against 0.7 s
 * through asynchronous file I/O (each open, write and close a round trip to
 * the thread pool), and it happens once, on the first open, just before
 * PGlite's own synchronous start.
 */
export async function prepareReplicaDir(dataDir: string): Promise<ReplicaStart> {
  const file = await replicaTemplatePath();
  if (!file) return { kind: 'existing' };
  const fs = await import('node:fs/promises');
  if (dataDir === 'memory://') {
    const dump = await fs.readFile(file).catch(() => undefined);
    return dump ? { kind: 'load', dump: new Blob([dump]) } : { kind: 'existing' };
  }
  if (dataDir.includes('://')) return { kind: 'existing' }; // idb:// and other PGlite file systems
  const path = await import('node:path');
  const target = path.resolve(dataDir);
  const entries = await fs.readdir(target).catch(() => null);
  if (entries !== null && entries.length > 0) return { kind: 'existing' };
  if (!(await fs.stat(file).catch(() => null))) return { kind: 'existing' }; // not shipped here
  const tar = await loadTar();
  if (!tar) {
    // Bundled without `tar`: PGlite unpacks the template itself, in memory.
    return { kind: 'load', dump: new Blob([await fs.readFile(file)]) };
  }
  const { randomUUID } = await import('node:crypto');
  const staging = `${target}.unpacking-${randomUUID()}`;
  await fs.mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    tar.extract({ file, cwd: staging, strict: true, sync: true });
    if (entries !== null) await fs.rmdir(target); // an empty directory the caller made
    await fs.rename(staging, target);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
  return { kind: 'unpacked' };
}

/**
 * `tar` (Node only). The specifier is not a literal so browser bundlers leave
 * it out; a Node bundle that left it out gets undefined.
 */
async function loadTar(): Promise<TarModule | undefined> {
  const specifier = 'tar';
  try {
    return (await import(/* @vite-ignore */ specifier)) as TarModule;
  } catch {
    return undefined;
  }
}
