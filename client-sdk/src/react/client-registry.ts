import type { MindfulClientOptions } from '../client-options';
import type { MindfulClient } from '../mindful-client';

/** Opens a client; `createMindfulClient` unless a provider is given another. */
export type CreateClient = (options: MindfulClientOptions) => Promise<MindfulClient>;

interface Entry {
  readonly opening: Promise<MindfulClient>;
  leases: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

const entries = new Map<string, Entry>();

/**
 * Which options name the same client: one replica directory of one user against one server. Other
 * options (auth, clock) are read once, when the client opens.
 */
export function clientKey(options: MindfulClientOptions): string {
  return JSON.stringify([options.dataDir, options.userId.toLowerCase(), options.serverUrl ?? null]);
}

/** A hold on a shared client; `release` exactly once. */
export interface ClientLease {
  readonly client: Promise<MindfulClient>;
  release(): void;
}

/**
 * Takes a lease on the client for `options`, opening it on the first lease. The last release
 * closes it one macrotask later, and a lease taken in between keeps it: React's strict mode mounts,
 * unmounts and mounts an effect again in one go, which must not open a second client on the same
 * replica (the replica lock would refuse it, and two clients would sync twice).
 */
export function leaseClient(options: MindfulClientOptions, create: CreateClient): ClientLease {
  const key = clientKey(options);
  let entry = entries.get(key);
  if (!entry) {
    const opening = create(options);
    const created: Entry = { opening, leases: 0, closeTimer: null };
    entry = created;
    entries.set(key, created);
    // A client that failed to open is forgotten, so the next mount tries again.
    opening.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
  }
  if (entry.closeTimer) {
    clearTimeout(entry.closeTimer);
    entry.closeTimer = null;
  }
  entry.leases += 1;
  const held = entry;
  let released = false;
  return {
    client: held.opening,
    release: () => {
      if (released) return;
      released = true;
      held.leases -= 1;
      if (held.leases > 0) return;
      held.closeTimer = setTimeout(() => {
        if (held.leases > 0 || entries.get(key) !== held) return;
        entries.delete(key);
        held.opening.then(
          (client) => client.close(),
          () => undefined,
        );
      }, 0);
    },
  };
}
