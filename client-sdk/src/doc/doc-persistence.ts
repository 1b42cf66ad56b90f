import * as Y from 'yjs';
import type { ReplicaStore } from '../replica/replica-store';
import type { WriteQueue } from '../replica/write-queue';

/** Transaction origin of updates replayed from the replica (they are already stored). */
export const PERSISTENCE_ORIGIN = Symbol('mindful-replica-persistence');

/** Stored updates above which opening folds them into one. */
export const COMPACT_THRESHOLD = 50;

/**
 * Builds the user's Y.Doc from the updates stored in the replica for `generation`, compacting
 * them into one when there are many (so opening stays fast after weeks of capture).
 */
export async function loadPersistedDoc(store: ReplicaStore, generation: number): Promise<Y.Doc> {
  const ydoc = new Y.Doc();
  const updates = await store.loadDocUpdates(generation);
  if (updates.length > 0) Y.applyUpdate(ydoc, Y.mergeUpdates(updates), PERSISTENCE_ORIGIN);
  if (updates.length > COMPACT_THRESHOLD) {
    await store.replaceDocUpdates(generation, Y.encodeStateAsUpdate(ydoc));
  }
  return ydoc;
}

/**
 * Stores every update of `ydoc` — local captures and updates from the server alike — in the
 * replica, through `queue`, so an offline restart loses nothing and a reconnect can re-send what
 * the server missed. Returns a function that stops it.
 */
export function persistDocUpdates(
  ydoc: Y.Doc,
  store: ReplicaStore,
  generation: () => number,
  queue: WriteQueue,
): () => void {
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === PERSISTENCE_ORIGIN) return;
    const gen = generation();
    queue.run(() => store.appendDocUpdate(gen, update));
  };
  ydoc.on('update', onUpdate);
  return () => ydoc.off('update', onUpdate);
}

/**
 * Replaces the stored update log of `generation` with the document's current state, through
 * `queue` (after every update already queued). The log keeps every update as it arrived, content
 * of deleted entries included; the current state of a garbage-collecting Y.Doc keeps only their
 * tombstones (the map key and the clock Yjs needs to merge), not what they said.
 */
export function compactPersistedDoc(
  ydoc: Y.Doc,
  store: ReplicaStore,
  generation: number,
  queue: WriteQueue,
): void {
  queue.run(() => store.replaceDocUpdates(generation, Y.encodeStateAsUpdate(ydoc)));
}
