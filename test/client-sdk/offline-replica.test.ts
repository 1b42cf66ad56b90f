import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { summarizeSession } from '@mindful/shared';
import { createMindfulClient, type HistoryPage, type MindfulClient } from '@mindful/client-sdk';
import { toActivityUpdate, workingDay } from './fixtures/working-day';
import { spawnReplicaChild } from './helpers/child';

const USER = '5b1c3a7e-8f7e-4d2a-9c1b-2a3b4c5d6e7f';
const DAY = Date.parse('2026-03-02T08:00:00Z');

describe('the extension offline: capture, restart, history', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mindful-offline-'));
  const dataDir = path.join(dir, 'replica');
  const day = workingDay(DAY, { seed: 7, sessions: 4, minutes: 45 });
  let now = DAY;
  const clock = () => now;
  let client: MindfulClient;

  beforeAll(async () => {
    client = await createMindfulClient({ dataDir, userId: USER, clock, utcOffsetMinutes: 0 });
  });
  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('captures a working day with no server and answers history from the replica', async () => {
    expect(client.status).toBe('offline');
    for (const planned of day.slice(0, 3)) {
      await client.startSession({
        startTime: planned.start,
        projectPath: planned.projectPath,
        language: planned.language,
      });
      for (const event of planned.events) {
        now = event.at!;
        await client.recordActivity(event);
      }
      await client.endSession(planned.end);
    }
    const page = await client.history({ limit: 2 });
    expect(page.sessions).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const rest = await client.history({ limit: 2, cursor: page.nextCursor });
    expect(rest.nextCursor).toBeNull();
    const all = [...page.sessions, ...rest.sessions];
    // Newest first, every planned session once.
    expect(all.map((s) => Date.parse(s.start_time))).toEqual(
      day
        .slice(0, 3)
        .map((p) => p.start)
        .reverse(),
    );

    // The running summary equals the shared engine's summary of the same updates.
    for (const [i, planned] of day.slice(0, 3).entries()) {
      const stored = all.find((s) => Date.parse(s.start_time) === planned.start)!;
      const expected = summarizeSession({
        startTime: planned.start,
        endTime: planned.end,
        updates: planned.events.map(toActivityUpdate),
      });
      expect(stored, `session ${i}`).toMatchObject({
        end_time: new Date(planned.end).toISOString(),
        total_duration_ms: expected.total_duration_ms,
        active_duration_ms: expected.active_duration_ms,
        keystrokes: expected.keystrokes,
        lines_added: expected.lines_added,
        files_modified: expected.files_modified,
        language_breakdown: expected.language_breakdown,
        interruption_count: expected.interruption_count,
        focus_score: expected.focus_score,
        error_rate: expected.error_rate,
        // Kept on the device (sync_project_paths is off by default) but answered locally.
        project_path: planned.projectPath,
      });
      expect(stored.flow_state_periods.map((p) => p.start_time)).toEqual(
        expected.flow_state_periods.map((p) => p.start_time),
      );
      expect(expected.flow_state_periods.length).toBeGreaterThan(0);
      const flowStates = await client.flowStates(stored.id);
      expect(flowStates.map((f) => f.start_time)).toEqual(
        expected.flow_state_periods.map((p) => p.start_time),
      );
    }
    // What syncs holds no project path and no raw keystroke samples by default.
    for (const entry of client.doc.readSessions().entries) expect(entry.project_path).toBeNull();
    for (const entry of client.doc.readFlowStates().entries) {
      expect(entry.typing_rhythm_data?.samples).toBeUndefined();
      expect(entry.typing_rhythm_data?.mean_interval_ms).toBeGreaterThan(0);
    }
  });

  it('survives a restart in the middle of a session, losing nothing', async () => {
    const planned = day[3]!;
    const half = Math.floor(planned.events.length / 2);
    const sessionId = await client.startSession({
      startTime: planned.start,
      projectPath: planned.projectPath,
      language: planned.language,
    });
    for (const event of planned.events.slice(0, half)) await client.recordActivity(event);
    const during = await client.currentFlow();
    expect(during.sessionId).toBe(sessionId);
    await client.close();

    client = await createMindfulClient({ dataDir, userId: USER, clock, utcOffsetMinutes: 0 });
    expect(client.activeSessionId).toBe(sessionId);
    expect((await client.history({ limit: 10 })).sessions).toHaveLength(4);
    for (const event of planned.events.slice(half)) await client.recordActivity(event);
    await client.endSession(planned.end);
    const expected = summarizeSession({
      startTime: planned.start,
      endTime: planned.end,
      updates: planned.events.map(toActivityUpdate),
    });
    const stored = (await client.history({ limit: 1 })).sessions[0]!;
    expect(stored.id).toBe(sessionId);
    expect(stored).toMatchObject({
      active_duration_ms: expected.active_duration_ms,
      keystrokes: expected.keystrokes,
      focus_score: expected.focus_score,
      interruption_count: expected.interruption_count,
    });
    // Flow states were rebuilt with the same ids, not duplicated.
    expect((await client.flowStates(sessionId)).length).toBe(expected.flow_state_periods.length);
    const patterns = await client.patterns();
    expect(patterns.session_count).toBe(4);
    expect(patterns.flow_period_count).toBeGreaterThan(0);
  });

  it('is still all there after a real child process used the replica', async () => {
    const ids = (await client.history({ limit: 50 })).sessions.map((s) => s.id);
    await client.close();
    const child = spawnReplicaChild(['capture', dataDir, USER, String(DAY + 20 * 3600_000)]);
    const report = await child.nextReport();
    expect(await child.exited).toBe(0);
    expect(report.outcome).toBe('captured');
    expect([...(report.sessionsBefore as string[])].sort()).toEqual([...ids].sort());

    client = await createMindfulClient({ dataDir, userId: USER, clock, utcOffsetMinutes: 0 });
    const after = await client.history({ limit: 50 });
    expect(after.sessions).toHaveLength(5);
    expect(after.sessions[0]!.id).toBe(report.sessionId);
    expect(after.sessions[0]!.keystrokes).toBe(30);
  });

  it('compacts the stored document updates on open without changing the document', async () => {
    const before = Y.encodeStateAsUpdate(client.doc.ydoc);
    const sessions = client.doc.readSessions().entries.length;
    await client.close();
    client = await createMindfulClient({ dataDir, userId: USER, clock, utcOffsetMinutes: 0 });
    expect(client.doc.readSessions().entries.length).toBe(sessions);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, before);
    expect(Y.encodeStateVector(client.doc.ydoc)).toEqual(Y.encodeStateVector(doc));
  });
});

describe('materialisation and privacy (in memory)', () => {
  let client: MindfulClient;
  const now = DAY;
  beforeAll(async () => {
    client = await createMindfulClient({ dataDir: 'memory://', userId: USER, clock: () => now });
  });
  afterAll(async () => {
    await client?.close();
  });

  it('reflects remote changes idempotently, skips invalid entries and follows deletions', async () => {
    const remote = new Y.Doc();
    const id = '0b4f6c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
    const entry = {
      id,
      start_time: '2026-03-01T10:00:00.000Z',
      end_time: '2026-03-01T11:00:00.000Z',
      total_duration_ms: 3_600_000,
      active_duration_ms: 3_000_000,
      files_modified: 3,
      keystrokes: 900,
      lines_added: 40,
      lines_deleted: 2,
      language_breakdown: { go: 3_000_000 },
      project_path: null,
      environment_data: null,
      flow_state_periods: [],
      interruption_count: 0,
      error_rate: 0,
      focus_score: 0.5,
      device_id: 'other-device',
      updated_at: '2026-03-01T11:00:00.000Z',
    };
    remote.getMap('sessions').set(id, entry);
    remote
      .getMap('sessions')
      .set('9b4f6c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e', { id: 'bad', keystrokes: -1 });
    const update = Y.encodeStateAsUpdate(remote);
    const rejected: string[] = [];
    client.events.on('rejected', (r) => rejected.push(r.key));

    const seen: HistoryPage[] = [];
    const arrived = new Promise<void>((resolve) => {
      void client.live.history((page) => {
        seen.push(page);
        if (page.sessions.some((s) => s.id === id)) resolve();
      });
    });
    Y.applyUpdate(client.doc.ydoc, update, 'remote');
    Y.applyUpdate(client.doc.ydoc, update, 'remote'); // duplicate delivery
    await arrived;
    await client.flush();
    const page = await client.history();
    expect(page.sessions.map((s) => s.id)).toEqual([id]);
    expect(page.sessions[0]).toMatchObject({ keystrokes: 900, device_id: 'other-device' });
    expect(rejected).toEqual(['9b4f6c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e']);

    remote.getMap('sessions').delete(id);
    Y.applyUpdate(client.doc.ydoc, Y.encodeStateAsUpdate(remote), 'remote');
    await client.flush();
    expect((await client.history()).sessions).toEqual([]);
  });

  it('captures no project path when tracking is off, and syncs paths and raw rhythm only when allowed', async () => {
    await client.updateSettings({ track_project_names: false });
    const hidden = await client.startSession({
      startTime: now,
      projectPath: '/secret/project',
      environment: { workspace_files: 120 },
    });
    await client.endSession(now + 1000);
    const local = (await client.history()).sessions.find((s) => s.id === hidden)!;
    expect(local.project_path).toBeNull();
    // Environment data is captured, answered locally, and kept out of the synced document.
    expect(local.environment_data).toEqual({ workspace_files: 120 });
    expect(client.doc.getSession(hidden)!.environment_data).toBeNull();

    await client.updateSettings({
      sync_environment_data: true,
      track_project_names: true,
      sync_project_paths: true,
      sync_raw_keystrokes: true,
    });
    const shared = await client.startSession({
      startTime: now + 2000,
      projectPath: '/shared/project',
      environment: { workspace_files: 7 },
    });
    for (let i = 1; i <= 20; i++) {
      await client.recordActivity({
        keystrokeIntervals: Array.from({ length: 80 }, (_, k) => 150 + (k % 5)),
        contextSwitches: 0,
        errorEvents: 0,
        focusDurationMs: i * 30_000,
        fileModifications: 1,
        keystrokes: 80,
        linesAdded: 2,
        at: now + 2000 + i * 30_000,
      });
    }
    const inFlow = await client.currentFlow();
    expect(inFlow).toMatchObject({ sessionId: shared, inFlow: true });
    await client.endSession(now + 2000 + 21 * 30_000);
    expect(client.doc.getSession(shared)!).toMatchObject({
      project_path: '/shared/project',
      environment_data: { workspace_files: 7 },
    });
    const states = client.doc.readFlowStates().entries.filter((f) => f.session_id === shared);
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((f) => f.end_time !== null)).toBe(true);
    expect(states[0]!.typing_rhythm_data!.samples!.length).toBeGreaterThan(0);
    expect((await client.currentFlow()).inFlow).toBe(false);
  });

  it('wipe() empties the replica and the document', async () => {
    const wiped = client.events.once('wiped');
    await client.wipe();
    expect(await wiped).toEqual({ generation: 1, reason: 'local' });
    expect((await client.history()).sessions).toEqual([]);
    expect(client.doc.readSessions().entries).toEqual([]);
    expect(client.settings.sync_project_paths).toBe(false);
  });
});
