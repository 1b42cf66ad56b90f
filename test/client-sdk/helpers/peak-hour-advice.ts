import type { MindfulClient } from '@mindful/client-sdk';

/**
 * The recommendations for a leaky update (3 context switches) at `at`, in a new session of a
 * minute either side: whether the "protect your peak hours" advice fires then.
 */
export async function leakyUpdateAdvice(
  client: MindfulClient,
  at: number,
): Promise<readonly string[]> {
  await client.startSession({ startTime: at - 60_000 });
  const result = await client.recordActivity({
    keystrokeIntervals: [150, 160, 155],
    contextSwitches: 3,
    errorEvents: 0,
    focusDurationMs: 60_000,
    fileModifications: 1,
    keystrokes: 3,
    linesAdded: 0,
    at,
  });
  await client.endSession(at + 60_000);
  return result.recommendations;
}
