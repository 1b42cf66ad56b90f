import type { HistoryPage, MindfulClient, SyncStatus } from '@mindful/client-sdk';

/** Resolves when the client's live history satisfies `done` (checked now and on every change). */
export async function waitForHistory(
  client: MindfulClient,
  done: (page: HistoryPage) => boolean,
  limit = 500,
): Promise<HistoryPage> {
  let unsubscribe: (() => Promise<void>) | undefined;
  const page = await new Promise<HistoryPage>((resolve, reject) => {
    client.live
      .history(
        (p) => {
          if (done(p)) resolve(p);
        },
        { limit },
      )
      .then((off) => (unsubscribe = off), reject);
  });
  await unsubscribe?.();
  return page;
}

/** Resolves when the client reports `status` (at once if it already has it). */
export async function waitForStatus(client: MindfulClient, status: SyncStatus): Promise<void> {
  if (client.status === status) return;
  await client.events.once('status', (s) => s.status === status);
}

/** Polls `check` (a database query) until it returns true; rejects after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The server's reconciler writes asynchronously and announces nothing to a test: poll it.
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
