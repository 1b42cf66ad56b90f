import type pg from 'pg';
import {
  computePersonalPatterns,
  median,
  POPULATION_BASELINE,
  type PersonalBaseline,
} from '@mindful/shared';
import { loadSessionHistory, utcOffsetMinutes } from '../insights';
import type { FieldCipher } from '../crypto/cipher';
import { placeOf } from '../crypto/cipher';

/** History a baseline needs before it replaces the population reference. */
const MIN_FLOW_STATES = 10;
const MIN_SESSIONS = 5;
/** A user's baseline is recomputed at most this often. */
const CACHE_MS = 10 * 60_000;

/**
 * A user's typing baseline from what the server holds of their history: the
 * rhythm summaries of their stored flow states and the keystroke rate of their
 * ended sessions (raw intervals are not kept without consent, so the shared
 * `computeBaseline` over raw inputs is for the device; this is the server's
 * equivalent from summaries). Null (population reference) with too little history.
 *
 * Only the pace is personal here. Flow periods are a person's steady
 * stretches, so their median mean interval stands for the steady-typing pace
 * the shared baseline defines; their CoV is not the ordinary, pause-including
 * irregularity the baseline's `intervalCov` means, so the population value is
 * kept for it (a flow-only CoV would make the server stricter than the device).
 *
 * The baseline also carries the user's peak hours, from the shared personal
 * patterns of their ended sessions in their time zone: empty below the
 * patterns' minimum of sessions, so none are claimed from too little data.
 * Peak hours without enough typing history ride on the population rhythm,
 * which scores exactly as no baseline.
 */
export class UserBaselines {
  private readonly cache = new Map<string, { at: number; baseline: PersonalBaseline | null }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: FieldCipher,
  ) {}

  /** Drops what is cached for the user (their history was purged). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  async get(userId: string, now = Date.now()): Promise<PersonalBaseline | null> {
    const hit = this.cache.get(userId);
    if (hit && now - hit.at < CACHE_MS) return hit.baseline;
    const typing = await this.typing(userId);
    const peakHours = await this.peakHours(userId, new Date(now));
    const baseline = peakHours ? { ...(typing ?? POPULATION_BASELINE), peakHours } : typing;
    this.cache.set(userId, { at: now, baseline });
    return baseline;
  }

  private async peakHours(userId: string, now: Date): Promise<PersonalBaseline['peakHours']> {
    const { rows } = await this.pool.query<{ timezone: string }>(
      'SELECT timezone FROM users WHERE id = $1',
      [userId],
    );
    const offset = utcOffsetMinutes(rows[0]?.timezone ?? 'UTC', now);
    const history = await loadSessionHistory(this.pool, userId, now);
    const { peak_hours } = computePersonalPatterns(history, offset);
    return peak_hours.length > 0
      ? { hoursOfWeek: peak_hours, utcOffsetMinutes: offset }
      : undefined;
  }

  private async typing(userId: string): Promise<PersonalBaseline | null> {
    const { rows: flows } = await this.pool.query<{ id: string; typing_rhythm_data: string }>(
      `SELECT id::text AS id, typing_rhythm_data FROM flow_states
       WHERE user_id = $1 AND typing_rhythm_data IS NOT NULL ORDER BY start_time DESC LIMIT 200`,
      [userId],
    );
    const { rows: sessions } = await this.pool.query<{
      keystrokes: number;
      active_duration_ms: string;
    }>(
      `SELECT keystrokes, active_duration_ms FROM coding_sessions
       WHERE user_id = $1 AND end_time IS NOT NULL AND active_duration_ms > 60000
       ORDER BY start_time DESC LIMIT 100`,
      [userId],
    );
    const means: number[] = [];
    for (const row of flows) {
      try {
        const rhythm = this.cipher.decryptJson<{
          mean_interval_ms?: number;
          coefficient_of_variation?: number;
        }>(row.typing_rhythm_data, placeOf('flow_states', 'typing_rhythm_data', row.id));
        if ((rhythm.mean_interval_ms ?? 0) > 0 && (rhythm.coefficient_of_variation ?? 0) > 0) {
          means.push(rhythm.mean_interval_ms!);
        }
      } catch {
        // An unreadable summary only makes the baseline rest on fewer samples.
      }
    }
    const rates = sessions
      .map((s) => s.keystrokes / (Number(s.active_duration_ms) / 60_000))
      .filter((rate) => rate > 0 && Number.isFinite(rate));
    if (means.length < MIN_FLOW_STATES || rates.length < MIN_SESSIONS) return null;
    return {
      meanIntervalMs: median(means),
      intervalCov: POPULATION_BASELINE.intervalCov,
      keystrokesPerMinute: median(rates),
      sampleCount: means.length,
    };
  }
}
