import { afterAll, beforeAll, expect, it } from 'vitest';
import { RECOMMENDATIONS } from '@mindful/shared';
import { createMindfulClient, type MindfulClient } from '@mindful/client-sdk';
import { endedSessionWithFlow } from '../server/sync-helpers';
import { leakyUpdateAdvice } from './helpers/peak-hour-advice';

const USER = '5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e';
const WEEK = 7 * 86_400_000;
/** A Monday, 09:00 UTC: the hour the history below is in flow. */
const MONDAY_NINE = Date.parse('2026-03-02T09:00:00Z');

let client: MindfulClient;
beforeAll(async () => {
  client = await createMindfulClient({ dataDir: 'memory://', userId: USER, utcOffsetMinutes: 0 });
});
afterAll(async () => {
  await client?.close();
});

/** Weekly sessions with flow 09:10–09:50 on Mondays, the newest a week before `before`. */
async function history(weeks: number, before: number): Promise<void> {
  for (let week = 1; week <= weeks; week++) {
    client.doc.putSession(endedSessionWithFlow(before - week * WEEK));
  }
  await client.flush();
}

const adviceAt = (at: number) => leakyUpdateAdvice(client, at);

it("advises protecting the user's peak hour from the replica's history, only during it", async () => {
  const peak = MONDAY_NINE + 20 * WEEK + 30 * 60_000;
  // Nine sessions are below the patterns' minimum: no peak hour is claimed yet.
  await history(9, peak - 30 * 60_000);
  expect(await adviceAt(peak)).not.toContain(RECOMMENDATIONS.protectPeakHour);
  await history(10, peak - 30 * 60_000 + 60_000);
  expect(await adviceAt(peak)).toContain(RECOMMENDATIONS.protectPeakHour);
  expect(await adviceAt(peak + 3 * 3600_000)).not.toContain(RECOMMENDATIONS.protectPeakHour);
});
