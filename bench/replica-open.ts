// One replica open in a fresh process (run by bench/replica.ts): RSS before
// the SDK is imported (the process's baseline), the open's wall time, RSS
// after it and the process's peak. Job on stdin: { dataDir, userId, fill? }.
// With `fill`, the replica first gets that many ended sessions (one a day-ish,
// each with a flow period), written through the document and closed cleanly,
// and the figures are those of the open that wrote them.
import type { SessionEntry } from '@mindful/shared';

const baseline = process.memoryUsage().rss;
let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const { dataDir, userId, fill } = JSON.parse(input) as {
  dataDir: string;
  userId: string;
  fill?: number;
};
const { createMindfulClient } = await import('@mindful/client-sdk');
const imported = process.memoryUsage().rss;
const started = performance.now();
const client = await createMindfulClient({ dataDir, userId });
const openMs = performance.now() - started;
const opened = process.memoryUsage().rss;
if (fill) {
  client.doc.ydoc.transact(() => {
    for (let i = 0; i < fill; i++) client.doc.putSession(pastSession(i));
  });
  await client.flush();
}
await client.close();
process.stdout.write(
  `${JSON.stringify({
    openMs,
    baseline,
    imported,
    opened,
    peak: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
process.exit(0);

/** The `i`-th of a history of hour-long sessions, one every 6 hours back from now. */
function pastSession(i: number): SessionEntry {
  const iso = (at: number) => new Date(at).toISOString();
  const start = Date.now() - (i + 1) * 6 * 3600_000;
  const end = start + 3600_000;
  return {
    id: crypto.randomUUID(),
    start_time: iso(start),
    end_time: iso(end),
    total_duration_ms: 3600_000,
    active_duration_ms: 55 * 60_000,
    files_modified: 12,
    keystrokes: 4_000,
    lines_added: 120,
    lines_deleted: 30,
    language_breakdown: { typescript: 55 * 60_000 },
    project_path: null,
    environment_data: null,
    flow_state_periods: [
      {
        start_time: iso(start + 10 * 60_000),
        end_time: iso(start + 50 * 60_000),
        duration_ms: 40 * 60_000,
        intensity: 0.8,
        recovery_time_ms: null,
      },
    ],
    interruption_count: 2,
    error_rate: 0.1,
    focus_score: 0.8,
    device_id: 'bench-device',
    updated_at: iso(end),
  };
}
