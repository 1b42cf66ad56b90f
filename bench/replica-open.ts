// One replica open in a fresh process (run by bench/replica.ts): RSS before
// the SDK is imported (the process's baseline), the open's wall time, RSS
// after it and the process's peak. Job on stdin: { dataDir, userId }.
const baseline = process.memoryUsage().rss;
let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const { dataDir, userId } = JSON.parse(input) as { dataDir: string; userId: string };
const { createMindfulClient } = await import('@mindful/client-sdk');
const imported = process.memoryUsage().rss;
const started = performance.now();
const client = await createMindfulClient({ dataDir, userId });
const openMs = performance.now() - started;
const opened = process.memoryUsage().rss;
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
