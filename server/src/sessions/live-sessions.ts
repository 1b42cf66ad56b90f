import {
  FlowDetector,
  seedFromColumns,
  type IntervalStats,
  type PersonalBaseline,
  type SessionEntry,
} from '@mindful/shared';

/**
 * The server-side state of a session being captured over REST: its detector, and the part of the
 * shared session accumulator the entry's columns do not hold (see `applyActivity`).
 */
export interface LiveSession {
  userId: string;
  sessionId: string;
  detector: FlowDetector;
  /** Timestamp of the last update with activity (for active time). */
  prevActivity: number;
  language: string;
  /** Σ gap × score over active time (focus score = this / active time). */
  weightedScore: number;
  errors: number;
  errorsInPeriod: number;
  rhythm: IntervalStats | null;
  /** Wall-clock ms of the last use (for eviction). */
  lastUsed: number;
}

/** Sessions idle this long lose their in-memory detector (it is rebuilt on the next update). */
const IDLE_EVICT_MS = 2 * 3600_000;
/** Upper bound on detectors kept in memory; the least recently used go first. */
const MAX_LIVE = 50_000;

/**
 * One flow detector per live session, kept in memory. Choice: detectors are
 * not snapshotted into the user's document (a snapshot holds raw keystroke
 * intervals, which must not leave the device without consent, and would be
 * replicated to every device on every update). After a restart or eviction
 * the detector is rebuilt from the session entry: the user's baseline, the
 * totals (errors, weighted focus) derived from the stored rates, and an empty
 * rhythm buffer that refills within a few updates. Closed flow periods live
 * in the entry, so none is lost; an open period restarts.
 */
export class LiveSessions {
  private readonly sessions = new Map<string, LiveSession>();

  get size(): number {
    return this.sessions.size;
  }

  /** The session's live state, rebuilt from its entry when not in memory. */
  get(
    userId: string,
    entry: SessionEntry,
    baseline: PersonalBaseline | null,
    now: number,
  ): LiveSession {
    const key = `${userId}:${entry.id}`;
    const found = this.sessions.get(key);
    if (found) {
      found.lastUsed = now;
      // Re-insert: Map order is the LRU order.
      this.sessions.delete(key);
      this.sessions.set(key, found);
      return found;
    }
    this.evict(now);
    // total_duration_ms is the last update's timestamp minus the start (client clock).
    const seed = seedFromColumns(Date.parse(entry.start_time), entry);
    const live: LiveSession = {
      userId,
      sessionId: entry.id,
      detector: new FlowDetector({ baseline }),
      prevActivity: seed.lastActivityMs,
      language: seed.language,
      weightedScore: seed.weightedScore,
      errors: seed.errors,
      errorsInPeriod: 0,
      rhythm: null,
      lastUsed: now,
    };
    this.sessions.set(key, live);
    return live;
  }

  delete(userId: string, sessionId: string): void {
    this.sessions.delete(`${userId}:${sessionId}`);
  }

  private evict(now: number): void {
    for (const [key, live] of this.sessions) {
      if (this.sessions.size < MAX_LIVE && now - live.lastUsed < IDLE_EVICT_MS) break;
      this.sessions.delete(key);
    }
  }
}
