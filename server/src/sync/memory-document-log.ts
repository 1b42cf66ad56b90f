import * as Y from 'yjs';
import {
  GenerationMovedError,
  type DocumentLog,
  type LoadedLog,
  type LoggedUpdate,
} from './document-log';
import { compareIds, maxId } from './log-ids';

interface StoredEntry extends LoggedUpdate {
  generation: number;
}

/**
 * A {@link DocumentLog} in memory: the sync core's fast tests run on it, and it
 * passes the same acceptance suite as the PostgreSQL one. Entries are copied in
 * and out, as a store would, so a caller mutating its buffer changes nothing.
 * Nothing is durable; a process holds one.
 */
export class MemoryDocumentLog implements DocumentLog {
  private readonly documents = new Map<string, { userId: string; generation: number }>();
  /** Generation a purged document starts at again (what its tombstone keeps). */
  private readonly tombstones = new Map<string, number>();
  private readonly entries = new Map<string, StoredEntry[]>();
  private nextId = 1n;

  async ensureDocument(docName: string, userId: string): Promise<number> {
    let doc = this.documents.get(docName);
    if (!doc) {
      doc = { userId, generation: this.tombstones.get(docName) ?? 1 };
      this.documents.set(docName, doc);
    }
    return doc.generation;
  }

  async currentGeneration(docName: string): Promise<number | null> {
    const own = this.documents.get(docName)?.generation;
    const tomb = this.tombstones.get(docName);
    if (own === undefined && tomb === undefined) return null;
    return Math.max(own ?? 0, tomb ?? 0);
  }

  async load(
    docName: string,
    generation: number,
    { afterId = '0', ids = [] }: { afterId?: string; ids?: string[] } = {},
  ): Promise<LoadedLog> {
    const wanted = new Set(ids);
    const updates: LoggedUpdate[] = [];
    let lastId = afterId;
    for (const entry of this.entries.get(docName) ?? []) {
      if (entry.generation !== generation) continue;
      if (compareIds(entry.id, afterId) <= 0 && !wanted.has(entry.id)) continue;
      lastId = maxId(lastId, entry.id);
      updates.push({ id: entry.id, kind: entry.kind, update: entry.update.slice() });
    }
    return { updates, skipped: 0, lastId };
  }

  async append(
    docName: string,
    _userId: string,
    generation: number,
    update: Uint8Array,
  ): Promise<string> {
    const current = this.documents.get(docName)?.generation;
    if (current !== generation) {
      throw new GenerationMovedError(docName, generation, await this.currentGeneration(docName));
    }
    const id = String(this.nextId++);
    this.entriesOf(docName).push({ id, generation, kind: 'update', update: update.slice() });
    return id;
  }

  async compact(docName: string): Promise<number> {
    const generation = this.documents.get(docName)?.generation;
    if (generation === undefined) return 0;
    const all = this.entriesOf(docName);
    const merged = all.filter((entry) => entry.generation === generation);
    if (merged.length < 2) return 0;
    const ydoc = new Y.Doc();
    for (const entry of merged) Y.applyUpdate(ydoc, entry.update);
    const snapshot: StoredEntry = {
      // Where its content ends, as the PostgreSQL log does (see compaction.ts).
      id: merged.map((entry) => entry.id).reduce(maxId),
      generation,
      kind: 'snapshot',
      update: Y.encodeStateAsUpdate(ydoc),
    };
    ydoc.destroy();
    const kept = all.filter((entry) => entry.generation !== generation);
    this.entries.set(
      docName,
      [...kept, snapshot].sort((a, b) => compareIds(a.id, b.id)),
    );
    return merged.length;
  }

  /**
   * Purges the document as the privacy purge does: its entries are gone and
   * it comes back at the next generation, which an append racing it cannot
   * land in. For tests of the sync core.
   * @returns the new generation.
   */
  purge(docName: string): number {
    const generation = Math.max(
      this.documents.get(docName)?.generation ?? 1,
      this.tombstones.get(docName) ?? 1,
    );
    this.entries.delete(docName);
    this.tombstones.set(docName, generation + 1);
    const doc = this.documents.get(docName);
    if (doc) doc.generation = generation + 1;
    return generation + 1;
  }

  private entriesOf(docName: string): StoredEntry[] {
    let list = this.entries.get(docName);
    if (!list) this.entries.set(docName, (list = []));
    return list;
  }
}
