import { TokenBucket } from './rate-limiter';

/** What one user may use of an instance's sync capacity, whatever the number of their sockets. */
export interface UserQuotaLimits {
  /** Sockets one user may hold open on this instance at once. */
  maxConnectionsPerUser: number;
  /** Bytes one user's sockets may send together: this many at once, refilled over `writeWindowMs`. */
  writeBytesPerWindow: number;
  writeWindowMs: number;
}

interface UserUsage {
  connections: number;
  bytes: TokenBucket;
  /** When the last socket closed (0 while one is open). */
  idleSince: number;
}

/** Idle users are swept once this many connects have happened since the last sweep. */
const SWEEP_EVERY_CONNECTS = 256;

/**
 * Per-user budgets shared by all of a user's sockets on this instance. The
 * per-connection budgets multiply with the number of sockets, so without
 * these one account could open hundreds and write at hundreds of times the
 * intended rate. A user over a budget has their socket closed (4429); other
 * users' budgets are untouched. A user's bucket outlives their sockets by one
 * window, so closing and reopening does not refill it; then it is dropped,
 * so memory follows the recently connected users.
 */
export class UserQuota {
  private readonly users = new Map<string, UserUsage>();
  private connectsSinceSweep = 0;

  constructor(private readonly limits: UserQuotaLimits) {}

  /** Counts a new socket of `userId`; false (and nothing counted) when they are at the cap. */
  connect(userId: string, now: number): boolean {
    if (++this.connectsSinceSweep >= SWEEP_EVERY_CONNECTS) this.sweep(now);
    let user = this.users.get(userId);
    if (!user) {
      user = {
        connections: 0,
        bytes: new TokenBucket(
          this.limits.writeBytesPerWindow,
          (this.limits.writeBytesPerWindow * 1000) / this.limits.writeWindowMs,
          now,
        ),
        idleSince: 0,
      };
      this.users.set(userId, user);
    }
    if (user.connections >= this.limits.maxConnectionsPerUser) return false;
    user.connections++;
    user.idleSince = 0;
    return true;
  }

  /** Forgets one socket of `userId` (call once per successful {@link connect}). */
  disconnect(userId: string, now: number): void {
    const user = this.users.get(userId);
    if (!user || user.connections === 0) return;
    user.connections--;
    if (user.connections === 0) user.idleSince = now;
  }

  /** Takes `bytes` from the user's write budget; false when it is spent. */
  write(userId: string, bytes: number, now: number): boolean {
    const user = this.users.get(userId);
    return user ? user.bytes.take(now, bytes) : false;
  }

  /** Open sockets of one user on this instance. */
  connectionsOf(userId: string): number {
    return this.users.get(userId)?.connections ?? 0;
  }

  /** Users tracked (connected, or idle for less than a window). */
  get size(): number {
    return this.users.size;
  }

  private sweep(now: number): void {
    this.connectsSinceSweep = 0;
    for (const [userId, user] of this.users) {
      // After a whole idle window the bucket is full again: dropping it changes nothing.
      if (user.connections === 0 && now - user.idleSince >= this.limits.writeWindowMs) {
        this.users.delete(userId);
      }
    }
  }
}
