import {
  DOC_LIMITS,
  parseSessionActivityUpdate,
  type FlowDetectorOptions,
  type FlowStateResult,
  type PrivacySettings,
  type SessionActivityUpdate,
  type UserDoc,
} from '@mindful/shared';
import type { Clock } from '../clock';
import { NoActiveSessionError } from '../errors';
import type { DeviceActivityStore, ReplicaQueryStore } from '../replica/replica-store';
import type { WriteQueue } from '../replica/write-queue';
import {
  toFlowStateEntry,
  toSessionEntry,
  type OpenSessionInfo,
  type PeriodContext,
} from './capture-entries';
import { baselineWithPeakHours } from '../query/patterns-from-replica';
import { RunningSummary } from './running-summary';

/** Transaction origin of the capture's own document writes. */
export const CAPTURE_ORIGIN = Symbol('mindful-capture');

/** Options of `startSession`. */
export interface StartSessionOptions {
  /** Workspace path; dropped when `track_project_names` is off, kept on the device unless `sync_project_paths`. */
  projectPath?: string;
  /** Language of the active editor; the default for updates that name none. */
  language?: string;
  /** Environment data (e.g. workspace size); kept on the device unless `sync_environment_data`. */
  environment?: Record<string, unknown>;
  /** Start time, ms; default the client's clock. */
  startTime?: number;
}

/** One activity update from the editor: counters are deltas since the previous update. */
export interface ActivityEvent {
  /** Milliseconds between consecutive keystrokes since the previous update. */
  keystrokeIntervals: readonly number[];
  contextSwitches: number;
  errorEvents: number;
  /** How long the editor window has been continuously focused, ms. */
  focusDurationMs: number;
  fileModifications: number;
  keystrokes: number;
  linesAdded: number;
  linesDeleted?: number;
  language?: string;
  /** When the update was taken, ms; default the client's clock. */
  at?: number;
}

/** What the capture needs from the client around it. */
export interface CaptureHost {
  readonly store: DeviceActivityStore & Pick<ReplicaQueryStore, 'patternHistory'>;
  readonly queue: WriteQueue;
  readonly clock: Clock;
  readonly deviceId: string;
  readonly detector: FlowDetectorOptions;
  /** The user's offset east of UTC now, minutes (for their peak hours). */
  utcOffsetMinutes(): number;
  /** The current document (it is replaced by a wipe). */
  doc(): UserDoc;
  onFlow(sessionId: string, result: FlowStateResult): void;
}

interface StoredStart {
  startTime: number;
  projectPath: string | null;
  environment: Record<string, unknown> | null;
  language: string | null;
}

interface ActiveSession {
  info: OpenSessionInfo;
  language: string | null;
  summary: RunningSummary;
  /** Rhythm context of the flow period in progress. */
  context: PeriodContext;
  /** Rhythm context of each closed period, by index. */
  closedContexts: PeriodContext[];
}

/**
 * Capture for the extension: runs the shared FlowDetector on every update, keeps the session's
 * running summary, and writes the session and its flow periods into the user's document (which
 * syncs and materialises) while the raw updates stay in a local-only table. The session in
 * progress survives a restart: it is rebuilt by replaying its stored updates.
 */
export class SessionCapture {
  private active: ActiveSession | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: CaptureHost) {}

  /** The session being captured, if any. */
  get activeSessionId(): string | null {
    return this.active?.info.sessionId ?? null;
  }

  /** The detector's latest result in the active session, if any. */
  get latest(): FlowStateResult | null {
    return this.active?.summary.latest ?? null;
  }

  /** Rebuilds the session in progress from the replica (after a restart). */
  restore(): Promise<void> {
    return this.serial(async () => {
      const open = await this.host.store.getOpenSession();
      if (!open) return;
      const start = open.payload as StoredStart;
      const active = this.begin(open.sessionId, start, await this.detectorOptions(start));
      for (const row of await this.host.store.activityOf(open.sessionId)) {
        this.advance(active, row.payload as SessionActivityUpdate);
      }
      this.active = active;
      this.writeDoc(active);
      await this.host.queue.idle();
    });
  }

  /** Starts a session (ending one still open) and returns its id. */
  startSession(options: StartSessionOptions = {}): Promise<string> {
    return this.serial(async () => {
      if (this.active) await this.finish(this.active, undefined);
      const settings = this.host.doc().settings;
      const start: StoredStart = {
        startTime: options.startTime ?? this.host.clock(),
        projectPath: settings.track_project_names
          ? (options.projectPath?.slice(0, DOC_LIMITS.maxStringLength) ?? null)
          : null,
        environment: options.environment ?? null,
        language: settings.track_languages ? (options.language ?? null) : null,
      };
      const active = this.begin(crypto.randomUUID(), start, await this.detectorOptions(start));
      const { store, queue } = this.host;
      const id = active.info.sessionId;
      queue.run(() => store.setOpenSession(id, start));
      queue.run(() =>
        store.setSessionPrivate(id, {
          project_path: start.projectPath,
          environment_data: start.environment,
        }),
      );
      this.active = active;
      this.writeDoc(active);
      await queue.idle();
      return id;
    });
  }

  /**
   * Records one activity update: validates it, applies the privacy settings, updates the flow
   * state and the running summary, and stores it — resolved once it is in the replica.
   *
   * @throws NoActiveSessionError without a session; FlowInputError on an invalid update;
   * OutOfOrderInputError when older than the previous update.
   */
  recordActivity(event: ActivityEvent): Promise<FlowStateResult> {
    return this.serial(async () => {
      const active = this.active;
      if (!active) throw new NoActiveSessionError('record activity');
      const update = this.filter(event, active, this.host.doc().settings);
      const result = this.advance(active, update);
      const { store, queue } = this.host;
      queue.run(() => store.appendActivity(active.info.sessionId, update.timestamp, update));
      this.writeDoc(active);
      await queue.idle();
      this.host.onFlow(active.info.sessionId, result);
      return result;
    });
  }

  /** Ends the active session (at `at`, default now); resolves with its id, or null if none. */
  endSession(at?: number): Promise<string | null> {
    return this.serial(async () => {
      const active = this.active;
      if (!active) return null;
      await this.finish(active, at ?? this.host.clock());
      return active.info.sessionId;
    });
  }

  /** Forgets the session in progress without writing anything (the replica was wiped). */
  reset(): void {
    this.active = null;
  }

  /**
   * The detector options for a new session: the app's, with the peak hours of the user's history
   * on this replica (the pattern history at the session's start, as the server reads it) added to the
   * baseline (none claimed from too little history), so the "protect your peak hours" advice can
   * fire on the device as it does on the server.
   */
  private async detectorOptions(start: StoredStart): Promise<FlowDetectorOptions> {
    const options = this.host.detector;
    const baseline = baselineWithPeakHours(
      options.baseline ?? null,
      await this.host.store.patternHistory(start.startTime),
      this.host.utcOffsetMinutes(),
    );
    return baseline ? { ...options, baseline } : options;
  }

  private begin(
    sessionId: string,
    start: StoredStart,
    detector: FlowDetectorOptions,
  ): ActiveSession {
    return {
      info: {
        sessionId,
        startTime: start.startTime,
        projectPath: start.projectPath,
        environment: start.environment,
        deviceId: this.host.deviceId,
      },
      language: start.language,
      summary: new RunningSummary(start.startTime, detector),
      context: { intervals: [], errorEvents: 0 },
      closedContexts: [],
    };
  }

  private filter(
    event: ActivityEvent,
    active: ActiveSession,
    settings: PrivacySettings,
  ): SessionActivityUpdate {
    const language = settings.track_languages
      ? (event.language ?? active.language ?? undefined)
      : undefined;
    return parseSessionActivityUpdate({
      timestamp: event.at ?? this.host.clock(),
      // Without consent to timing capture, rhythm never reaches the detector or the disk.
      keystroke_intervals: settings.track_keystroke_timing ? [...event.keystrokeIntervals] : [],
      context_switches: event.contextSwitches,
      error_events: event.errorEvents,
      focus_duration: event.focusDurationMs,
      file_modifications: event.fileModifications,
      keystrokes: event.keystrokes,
      lines_added: event.linesAdded,
      lines_deleted: event.linesDeleted ?? 0,
      ...(language === undefined ? {} : { language }),
    });
  }

  private advance(active: ActiveSession, update: SessionActivityUpdate): FlowStateResult {
    const closedBefore = active.summary.periods.length;
    const result = active.summary.add(update);
    const closedNow = active.summary.periods.length;
    for (let i = closedBefore; i < closedNow; i++) active.closedContexts[i] = active.context;
    // The context covers the flow period in progress only: it restarts whenever not in flow.
    if (closedNow > closedBefore || !result.isInFlow)
      active.context = { intervals: [], errorEvents: 0 };
    const ctx = active.context;
    ctx.intervals.push(...update.keystrokeIntervals);
    if (ctx.intervals.length > DOC_LIMITS.maxRhythmSamples)
      ctx.intervals.splice(0, ctx.intervals.length - DOC_LIMITS.maxRhythmSamples);
    ctx.errorEvents += update.errorEvents;
    return result;
  }

  private async finish(active: ActiveSession, at: number | undefined): Promise<void> {
    const closedBefore = active.summary.periods.length;
    active.summary.finish(at);
    for (let i = closedBefore; i < active.summary.periods.length; i++)
      active.closedContexts[i] = active.context;
    const { store, queue } = this.host;
    this.writeDoc(active);
    queue.run(() => store.clearOpenSession());
    this.active = null;
    await queue.idle();
  }

  /** Writes the session and its flow periods in one document transaction (one update). */
  private writeDoc(active: ActiveSession): void {
    const doc = this.host.doc();
    const settings = doc.settings;
    const { summary, info, context, closedContexts } = active;
    doc.ydoc.transact(() => {
      doc.putSession(toSessionEntry(info, summary, settings, this.host.clock()), CAPTURE_ORIGIN);
      summary.periods.forEach((period, index) => {
        const entry = toFlowStateEntry(
          info,
          index,
          period,
          closedContexts[index] ?? EMPTY_CONTEXT,
          settings,
        );
        if (!sameEntry(doc.flowStates.get(entry.id), entry))
          doc.putFlowState(entry, CAPTURE_ORIGIN);
      });
      const openStart = summary.openPeriodStart;
      const latest = summary.latest;
      if (openStart !== null && latest) {
        const open = {
          startMs: openStart,
          intensity: latest.flowIntensity,
          contextSwitches: 0,
          recoveryTimeMs: null,
        };
        doc.putFlowState(
          toFlowStateEntry(info, summary.periods.length, open, context, settings),
          CAPTURE_ORIGIN,
        );
      }
    }, CAPTURE_ORIGIN);
  }

  /** Runs `task` with capture paused: after every capture call so far, before any later one. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.serial(task);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.chain.then(task, task);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

const EMPTY_CONTEXT: PeriodContext = { intervals: [], errorEvents: 0 };

/** Closed periods never change: skip rewriting them (each write is a document update). */
function sameEntry(
  stored: unknown,
  entry: { end_time: string | null; duration_ms: number | null },
): boolean {
  const s = stored as { end_time?: unknown; duration_ms?: unknown } | undefined;
  return (
    s !== undefined &&
    entry.end_time !== null &&
    s.end_time === entry.end_time &&
    s.duration_ms === entry.duration_ms
  );
}
