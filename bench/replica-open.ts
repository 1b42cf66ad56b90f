// One replica open in a fresh process (run by bench/replica.ts): RSS before
// the SDK is imported (the process's baseline), the open's wall time, RSS
// after it and the process's peak. Job on stdin: { dataDir, userId, fill? }.
// With `fill`, the replica first gets that many ended sessions (one every 6 h,
// each with a flow period), written through the document and closed cleanly;
// that process's figures are not reported. With `receive`, the open replica
// then takes in a document of that many sessions from another replica (a
// dashboard's first sync of a long history): the time until its rows are
// written, beside the time Yjs alone takes to apply the same update.

const baseline = process.memoryUsage().rss;
let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const { dataDir, userId, fill, receive } = JSON.parse(input) as {
  dataDir: string;
  userId: string;
  fill?: number;
  receive?: number;
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
let received: { receiveMs: number; yjsMs: number; bytes: number } | undefined;
if (receive) {
  const Y = await import('yjs');
  const { UserDoc } = await import('@mindful/shared');
  const { endedSessionWithFlow } = await import('../test/server/sync-helpers');
  const other = new Y.Doc();
  const otherDoc = new UserDoc(other);
  other.transact(() => {
    for (let i = 0; i < receive; i++) {
      otherDoc.putSession(endedSessionWithFlow(Date.now() - (i + 1) * 6 * 3600_000));
    }
  });
  const update = Y.encodeStateAsUpdate(other);
  const yjsStarted = performance.now();
  Y.applyUpdate(new Y.Doc(), update);
  const yjsMs = performance.now() - yjsStarted;
  const receiveStarted = performance.now();
  Y.applyUpdate(client.doc.ydoc, update, 'another replica');
  await client.flush();
  received = { receiveMs: performance.now() - receiveStarted, yjsMs, bytes: update.length };
}
await client.close();
process.stdout.write(
  `${JSON.stringify({
    ...received,
    openMs,
    baseline,
    imported,
    opened,
    peak: process.resourceUsage().maxRSS * 1024,
  })}\n`,
);
process.exit(0);

export {};
