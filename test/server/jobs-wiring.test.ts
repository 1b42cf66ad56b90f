import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/databases';
import { startTestServer, TEST_ENCRYPTION_KEY } from '../helpers/test-server';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * What a production server runs, and how often. Tests drive jobs directly
 * (under NODE_ENV=test nothing is scheduled), so without this a job whose
 * registration was lost — retention, say — would fail no test.
 */
const PRODUCTION_TIMETABLE = [
  { name: 'team-metrics-refresh', everyMs: HOUR, retryMs: 5 * MINUTE },
  { name: 'team-burnout-check', everyMs: 6 * HOUR, retryMs: 5 * MINUTE },
  { name: 'team-invitation-expiry', everyMs: HOUR, retryMs: 5 * MINUTE },
  { name: 'privacy-retention', everyMs: HOUR, retryMs: 5 * MINUTE },
  { name: 'privacy-reencrypt', everyMs: 6 * HOUR, retryMs: 5 * MINUTE },
  { name: 'crdt-compaction', everyMs: 10 * MINUTE, retryMs: 5 * MINUTE },
  { name: 'user-insights', everyMs: 15 * MINUTE, retryMs: 5 * MINUTE },
];

describeEachStore('production job wiring', (store) => {
  it('a production server schedules every job on its interval', async () => {
    const server = await startTestServer(store(), {
      NODE_ENV: 'production',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BETTER_AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    });
    try {
      // The timetable is read as the server built it: no run is waited for.
      const timetable = server.ctx.jobs.scheduled();
      expect([...timetable].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        [...PRODUCTION_TIMETABLE].sort((a, b) => a.name.localeCompare(b.name)),
      );
    } finally {
      await server.close();
    }
  });

  it('a test server schedules nothing: tests run jobs themselves', async () => {
    const server = await startTestServer(store());
    try {
      expect(server.ctx.jobs.scheduled()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
