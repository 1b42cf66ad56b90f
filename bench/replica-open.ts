// One replica open in a fresh process (run by bench/replica.ts): RSS before
// the SDK is imported (the process's baseline), the open's wall time, RSS
// after it and the process's peak. Job on stdin: { dataDir, userId, fill? }.
// With `fill`, the replica first gets that many ended sessions (one every 6 h,
// each with a flow period), written through the document and closed cleanly;
// that process's figures are not reported.

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
  // Imported only here: the test fixture pulls in the server's modules, which the measured opens
  // must not load.
  const { endedSessionWithFlow } = await import('../test/server/sync-helpers');
  client.doc.ydoc.transact(() => {
    for (let i = 0; i < fill; i++) {
      client.doc.putSession(endedSessionWithFlow(Date.now() - (i + 1) * 6 * 3600_000));
    }
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

export {};
