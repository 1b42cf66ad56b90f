import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_PRIVACY_SETTINGS, DOC_KEYS } from '@mindful/shared';
import {
  createMindfulClient,
  openPgliteReplicaStore,
  type ActivityEvent,
  type MindfulClient,
  type ReplicaStore,
} from '@mindful/client-sdk';

const USER = '8d3f2a1b-6c5e-4f7a-9b8c-1d2e3f4a5b6c';
const T0 = Date.parse('2026-03-06T09:00:00Z');

/** Steady, focused typing: enough to enter flow, with a rhythm to record. */
function focusedMinutes(start: number, updates: number, language?: string): ActivityEvent[] {
  return Array.from({ length: updates }, (_, k) => ({
    keystrokeIntervals: Array.from({ length: 80 }, (_, j) => 150 + (j % 5)),
    contextSwitches: 0,
    errorEvents: 0,
    focusDurationMs: (k + 1) * 30_000,
    fileModifications: 1,
    keystrokes: 80,
    linesAdded: 2,
    at: start + (k + 1) * 30_000,
    ...(language ? { language } : {}),
  }));
}

describe('privacy switches at capture', () => {
  let store: ReplicaStore;
  let client: MindfulClient;
  let start = T0;
  beforeAll(async () => {
    store = await openPgliteReplicaStore('memory://');
    client = await createMindfulClient({
      dataDir: 'memory://',
      store,
      userId: USER,
      // Low enough to reach flow without a rhythm (its weight is 0.4): periods exist either way.
      flow: { config: { enterThreshold: 0.5, exitThreshold: 0.4 } },
    });
  });
  afterAll(async () => {
    await client?.close();
  });
  beforeEach(async () => {
    start += 3 * 3600_000;
    await client.updateSettings(DEFAULT_PRIVACY_SETTINGS);
  });

  /** Captures one focused session and returns its id. */
  const capture = async (options: { language?: string; eventLanguage?: string } = {}) => {
    const id = await client.startSession({ startTime: start, language: options.language });
    for (const event of focusedMinutes(start, 20, options.eventLanguage)) {
      await client.recordActivity(event);
    }
    await client.endSession(start + 21 * 30_000);
    await client.flush();
    return id;
  };
  const docFlowStates = (sessionId: string) =>
    client.doc.readFlowStates().entries.filter((f) => f.session_id === sessionId);

  it('with track_keystroke_timing off, no keystroke interval is kept anywhere', async () => {
    // Even with raw sync allowed: what is not tracked cannot be synced.
    await client.updateSettings({ track_keystroke_timing: false, sync_raw_keystrokes: true });
    const id = await capture();

    const rows = await store.activityOf(id);
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect((row.payload as { keystrokeIntervals: number[] }).keystrokeIntervals).toEqual([]);
    }
    // Not in the document, nor in what the replica materialised from it.
    expect(docFlowStates(id).length).toBeGreaterThan(0);
    for (const entry of docFlowStates(id)) expect(entry.typing_rhythm_data).toBeNull();
    for (const record of await client.flowStates(id)) expect(record.typing_rhythm_data).toBeNull();
    const raw = JSON.stringify(client.doc.flowStates.toJSON());
    expect(raw).not.toMatch(/mean_interval_ms|samples/);

    // The same typing with timing tracked does leave a rhythm: the check above can fail.
    await client.updateSettings({ track_keystroke_timing: true });
    const tracked = await capture();
    const intervals = (await store.activityOf(tracked)).flatMap(
      (row) => (row.payload as { keystrokeIntervals: number[] }).keystrokeIntervals,
    );
    expect(intervals.length).toBe(20 * 80);
    expect(docFlowStates(tracked).some((f) => f.typing_rhythm_data?.samples?.length)).toBe(true);
  });

  it('with track_languages off, no language is kept: not per update, not in the breakdown', async () => {
    await client.updateSettings({ track_languages: false });
    const id = await capture({ language: 'rust', eventLanguage: 'go' });

    for (const row of await store.activityOf(id)) {
      expect(row.payload).not.toHaveProperty('language');
    }
    expect(client.doc.getSession(id)!.language_breakdown).toEqual({});
    const local = (await client.history()).sessions.find((s) => s.id === id)!;
    expect(local.language_breakdown).toEqual({});
    expect(JSON.stringify(client.doc.sessions.get(id))).not.toMatch(/rust|go"|unknown/);

    await client.updateSettings({ track_languages: true });
    const tracked = await capture({ language: 'rust', eventLanguage: 'go' });
    expect(Object.keys(client.doc.getSession(tracked)!.language_breakdown)).toEqual(['go']);
  });

  it('turning sync_raw_keystrokes off strips the samples already in the document', async () => {
    await client.updateSettings({ sync_raw_keystrokes: true });
    const before = await capture();
    const withSamples = docFlowStates(before);
    expect(withSamples.length).toBeGreaterThan(0);
    expect(withSamples.every((f) => (f.typing_rhythm_data?.samples?.length ?? 0) > 0)).toBe(true);

    await client.updateSettings({ sync_raw_keystrokes: false });
    await client.flush();
    for (const entry of client.doc.readFlowStates().entries) {
      expect(entry.typing_rhythm_data?.samples).toBeUndefined();
    }
    // The summary stays, and so does everything else about the period.
    const after = docFlowStates(before);
    expect(after.map((f) => ({ ...f, typing_rhythm_data: null }))).toEqual(
      withSamples.map((f) => ({ ...f, typing_rhythm_data: null })),
    );
    expect(after.every((f) => f.typing_rhythm_data!.mean_interval_ms > 0)).toBe(true);
    for (const record of await client.flowStates(before)) {
      expect(record.typing_rhythm_data?.samples).toBeUndefined();
    }
    // What a replica syncing from this document now receives holds no samples either.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(client.doc.ydoc));
    expect(JSON.stringify(replica.getMap(DOC_KEYS.flowStates).toJSON())).not.toContain('samples');

    // A replica that had not heard of the change yet sends a period with samples: stripped too.
    const late = structuredClone(withSamples[0]!);
    late.id = `${late.id.slice(0, 24)}0000000000ff`;
    const offlineReplica = new Y.Doc();
    offlineReplica.getMap(DOC_KEYS.flowStates).set(late.id, late);
    Y.applyUpdate(client.doc.ydoc, Y.encodeStateAsUpdate(offlineReplica), 'remote');
    await client.flush();
    expect(client.doc.flowStates.get(late.id)).toMatchObject({
      typing_rhythm_data: { mean_interval_ms: late.typing_rhythm_data!.mean_interval_ms },
    });
    expect(JSON.stringify(client.doc.flowStates.toJSON())).not.toContain('samples');
  });
});
