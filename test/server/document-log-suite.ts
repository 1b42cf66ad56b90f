import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UserDoc, userDocName } from '@mindful/shared';
import { GenerationMovedError, type DocumentLog } from '@mindful/server';
import { sessionEntry } from './sync-helpers';

/** One storage under test, as the acceptance suite drives it. */
export interface LogHarness {
  log: DocumentLog;
  /** A user that may own a document (a row where the store needs one). */
  newUser(): Promise<string>;
  /** Purges the user's document the way the product does; returns the new generation. */
  purge(userId: string): Promise<number>;
  dispose(): Promise<void>;
}

/** An update that puts one fresh session into a user document. */
function sessionUpdate(): { update: Uint8Array; id: string } {
  const doc = new Y.Doc();
  const entry = sessionEntry();
  new UserDoc(doc).putSession(entry);
  return { update: Y.encodeStateAsUpdate(doc), id: entry.id };
}

/** The session ids a list of logged updates holds, applied in order. */
function sessionIdsOf(updates: { update: Uint8Array }[]): string[] {
  const doc = new Y.Doc();
  for (const { update } of updates) Y.applyUpdate(doc, update);
  return [...new UserDoc(doc).sessions.keys()].sort();
}

/**
 * The acceptance suite every {@link DocumentLog} passes (the way y-redis tests
 * each storage): the sync core relies on exactly these properties.
 */
export function describeDocumentLog(name: string, open: () => Promise<LogHarness>): void {
  describe(`DocumentLog: ${name}`, () => {
    let h: LogHarness;
    beforeAll(async () => {
      h = await open();
    });
    afterAll(async () => {
      await h?.dispose();
    });

    const newDoc = async () => {
      const userId = await h.newUser();
      return { userId, docName: userDocName(userId) };
    };

    it('creates a document at generation 1 on first use, and only once', async () => {
      const { userId, docName } = await newDoc();
      expect(await h.log.currentGeneration(docName)).toBeNull();
      expect(await h.log.ensureDocument(docName, userId)).toBe(1);
      expect(await h.log.ensureDocument(docName, userId)).toBe(1);
      expect(await h.log.currentGeneration(docName)).toBe(1);
    });

    it('reads back what was appended, oldest first, with increasing ids', async () => {
      const { userId, docName } = await newDoc();
      await h.log.ensureDocument(docName, userId);
      const written = [sessionUpdate(), sessionUpdate(), sessionUpdate()];
      const ids: string[] = [];
      for (const w of written) ids.push(await h.log.append(docName, userId, 1, w.update));
      expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
      expect(new Set(ids).size).toBe(3);
      const read = await h.log.load(docName, 1);
      expect(read.updates.map((u) => u.id)).toEqual(ids);
      expect(read.updates.map((u) => u.kind)).toEqual(['update', 'update', 'update']);
      expect(read.updates.map((u) => [...u.update])).toEqual(written.map((w) => [...w.update]));
      expect(read.lastId).toBe(ids[2]);
      expect(read.skipped).toBe(0);
    });

    it('reads only the tail after an id, plus ids asked for by name', async () => {
      const { userId, docName } = await newDoc();
      await h.log.ensureDocument(docName, userId);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push(await h.log.append(docName, userId, 1, sessionUpdate().update));
      }
      const tail = await h.log.load(docName, 1, { afterId: ids[1] });
      expect(tail.updates.map((u) => u.id)).toEqual(ids.slice(2));
      const late = await h.log.load(docName, 1, { afterId: ids[3], ids: [ids[0]!] });
      expect(late.updates.map((u) => u.id)).toEqual([ids[0]]);
      expect(late.lastId).toBe(ids[3]);
      const nothing = await h.log.load(docName, 1, { afterId: ids[3] });
      expect(nothing).toEqual({ updates: [], skipped: 0, lastId: ids[3] });
    });

    it('reads an unknown document as empty', async () => {
      expect(await h.log.load(userDocName(randomUUID()), 1)).toEqual({
        updates: [],
        skipped: 0,
        lastId: '0',
      });
    });

    it('keeps documents apart', async () => {
      const a = await newDoc();
      const b = await newDoc();
      await h.log.ensureDocument(a.docName, a.userId);
      await h.log.ensureDocument(b.docName, b.userId);
      const onA = sessionUpdate();
      await h.log.append(a.docName, a.userId, 1, onA.update);
      expect(sessionIdsOf((await h.log.load(a.docName, 1)).updates)).toEqual([onA.id]);
      expect((await h.log.load(b.docName, 1)).updates).toEqual([]);
    });

    it('stores a copy: a caller reusing its buffer changes nothing logged', async () => {
      const { userId, docName } = await newDoc();
      await h.log.ensureDocument(docName, userId);
      const w = sessionUpdate();
      const original = [...w.update];
      await h.log.append(docName, userId, 1, w.update);
      w.update.fill(0);
      expect([...(await h.log.load(docName, 1)).updates[0]!.update]).toEqual(original);
    });

    it('refuses an append into a generation that moved on, and the purged document stays at the new one', async () => {
      const { userId, docName } = await newDoc();
      await h.log.ensureDocument(docName, userId);
      await h.log.append(docName, userId, 1, sessionUpdate().update);
      const next = await h.purge(userId);
      expect(next).toBe(2);
      const refused = await h.log.append(docName, userId, 1, sessionUpdate().update).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(GenerationMovedError);
      expect(refused).toMatchObject({ docName, expected: 1, current: 2 });
      expect(await h.log.currentGeneration(docName)).toBe(2);
      expect(await h.log.ensureDocument(docName, userId)).toBe(2);
      expect((await h.log.load(docName, 1)).updates).toEqual([]);
      expect((await h.log.load(docName, 2)).updates).toEqual([]);
      const after = sessionUpdate();
      await h.log.append(docName, userId, 2, after.update);
      expect(sessionIdsOf((await h.log.load(docName, 2)).updates)).toEqual([after.id]);
    });

    it('compacts a generation into one snapshot at the newest merged id, losing nothing', async () => {
      const { userId, docName } = await newDoc();
      await h.log.ensureDocument(docName, userId);
      expect(await h.log.compact(docName)).toBe(0);
      const written = Array.from({ length: 5 }, () => sessionUpdate());
      const ids: string[] = [];
      for (const w of written) ids.push(await h.log.append(docName, userId, 1, w.update));
      expect(await h.log.compact(docName)).toBe(5);
      const read = await h.log.load(docName, 1);
      expect(read.updates.map((u) => [u.id, u.kind])).toEqual([[ids[4], 'snapshot']]);
      expect(sessionIdsOf(read.updates)).toEqual(written.map((w) => w.id).sort());
      // A later append sorts after the snapshot; a tail read from a merged id finds only it.
      const late = sessionUpdate();
      const lateId = await h.log.append(docName, userId, 1, late.update);
      expect(BigInt(lateId) > BigInt(ids[4]!)).toBe(true);
      expect((await h.log.load(docName, 1, { afterId: ids[4] })).updates.map((u) => u.id)).toEqual([
        lateId,
      ]);
      expect(sessionIdsOf((await h.log.load(docName, 1)).updates)).toEqual(
        [...written.map((w) => w.id), late.id].sort(),
      );
    });
  });
}
