import type { FlowDetector } from '@mindful/shared';

/** How many detectors the cache may hold, per user and for everyone. */
export interface DetectorCacheBounds {
  perUser: number;
  total: number;
}

/**
 * The detectors of `POST /api/flow/detect`, kept per user and session id.
 * Two bounds: a user past `perUser` loses their own least recently used
 * detector, so a flood of session ids from one account evicts only that
 * account's state; past `total`, the least recently active user loses their
 * oldest. Both maps keep insertion order, which is recency order here
 * (every touch deletes and re-inserts).
 */
export class DetectorCache {
  private readonly users = new Map<string, Map<string, FlowDetector>>();
  private count = 0;

  constructor(private readonly bounds: DetectorCacheBounds) {}

  /** The detector of (user, session), marked most recently used; undefined when none is held. */
  take(userId: string, sessionId: string): FlowDetector | undefined {
    const sessions = this.users.get(userId);
    const detector = sessions?.get(sessionId);
    if (!sessions || !detector) return undefined;
    this.touch(userId, sessions);
    sessions.delete(sessionId);
    sessions.set(sessionId, detector);
    return detector;
  }

  has(userId: string, sessionId: string): boolean {
    return this.users.get(userId)?.has(sessionId) ?? false;
  }

  /** Holds a new detector for (user, session), evicting within the bounds. */
  put(userId: string, sessionId: string, detector: FlowDetector): void {
    let sessions = this.users.get(userId);
    if (!sessions) {
      sessions = new Map();
      this.users.set(userId, sessions);
    }
    this.touch(userId, sessions);
    if (!sessions.has(sessionId)) this.count++;
    sessions.delete(sessionId);
    sessions.set(sessionId, detector);
    if (sessions.size > this.bounds.perUser) this.dropOldestOf(userId, sessions);
    while (this.count > this.bounds.total) {
      const [oldestUser, oldestSessions] = this.users.entries().next().value!;
      this.dropOldestOf(oldestUser, oldestSessions);
    }
  }

  /** Forgets every detector of a user (purge). */
  forgetUser(userId: string): void {
    this.count -= this.users.get(userId)?.size ?? 0;
    this.users.delete(userId);
  }

  /** Detectors held, all users together. */
  get size(): number {
    return this.count;
  }

  private touch(userId: string, sessions: Map<string, FlowDetector>): void {
    this.users.delete(userId);
    this.users.set(userId, sessions);
  }

  private dropOldestOf(userId: string, sessions: Map<string, FlowDetector>): void {
    const oldest = sessions.keys().next().value;
    if (oldest === undefined) return;
    sessions.delete(oldest);
    this.count--;
    if (sessions.size === 0) this.users.delete(userId);
  }
}
