// On the device, personal patterns and the peak hours a new session's
// detector is given come from the same history the server reads
// (test/server/pattern-history.test.ts): the ended sessions of the last 180
// days. A routine the user left more than 180 days ago no longer names their
// peak hours, and a session start no longer reads the whole history.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PATTERN_HISTORY, RECOMMENDATIONS } from '@mindful/shared';
import { createMindfulClient, type MindfulClient } from '@mindful/client-sdk';
import { endedSessionWithFlow } from '../server/sync-helpers';
import { leakyUpdateAdvice } from './helpers/peak-hour-advice';

const USER = '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968';
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** A Monday, 09:00 UTC. */
const MONDAY_NINE = Date.parse('2026-03-02T09:00:00Z');
/** Where "now" is: a Wednesday 14:30 UTC, a year later. */
const NOW = MONDAY_NINE + 52 * WEEK + 2 * DAY + 5.5 * 3600_000;
/** Hour of week (0 = Sunday 00:00) of Monday 09:00 and of Wednesday 14:00. */
const MONDAY_9 = 24 + 9;
const WEDNESDAY_14 = 3 * 24 + 14;

let client: MindfulClient;
let now = NOW;

beforeEach(async () => {
  now = NOW;
  client = await createMindfulClient({
    dataDir: 'memory://',
    userId: USER,
    utcOffsetMinutes: 0,
    clock: () => now,
  });
});
afterEach(() => client.close());

/** `weeks` weekly sessions (flow 10–50 min in), the newest at `newest`. */
async function routine(newest: number, weeks: number): Promise<void> {
  for (let week = 0; week < weeks; week++) {
    client.doc.putSession(endedSessionWithFlow(newest - week * WEEK));
  }
  await client.flush();
}

it('patterns read the last 180 days only: an old routine is forgotten, the current one named', async () => {
  const lookback = PATTERN_HISTORY.lookbackDays * DAY;
  // Mondays 09:00 for 20 weeks, all of it more than 180 days ago.
  await routine(NOW - lookback - 2 * DAY - 5.5 * 3600_000, 20);
  expect((await client.patterns()).session_count).toBe(0);

  // Wednesdays 14:00 for the last 12 weeks.
  await routine(NOW - WEEK - 30 * 60_000, 12);
  const patterns = await client.patterns();
  expect(patterns.session_count).toBe(12);
  expect(patterns.peak_hours).toContain(WEDNESDAY_14);
  expect(patterns.peak_hours).not.toContain(MONDAY_9);
});

it("a new session's peak hours come from the 180 days before its start", async () => {
  const mondayPeak = MONDAY_NINE + 30 * WEEK + 30 * 60_000;
  await routine(mondayPeak - 30 * 60_000 - WEEK, 12);
  expect(await adviceAt(mondayPeak)).toContain(RECOMMENDATIONS.protectPeakHour);
  // The same hour of the week, once that routine is more than 180 days old.
  const muchLater = mondayPeak + 30 * WEEK;
  expect(await adviceAt(muchLater)).not.toContain(RECOMMENDATIONS.protectPeakHour);
});

async function adviceAt(at: number): Promise<readonly string[]> {
  now = at;
  return leakyUpdateAdvice(client, at);
}
