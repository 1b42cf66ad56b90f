// Plays the VS Code extension: captures an hour of coding with no network, restarts, then syncs.
//   npx tsx examples/extension.ts                        offline only (a demo user id)
//   MINDFUL_SERVER_URL=http://127.0.0.1:8080 MINDFUL_EMAIL=… MINDFUL_PASSWORD=… npx tsx examples/extension.ts
// With MINDFUL_SIGN_UP=1 the account is created first. MINDFUL_DATA_DIR picks the replica directory.
import path from 'node:path';
import { createMindfulClient, ReplicaLockedError, type MindfulClient } from '@mindful/client-sdk';

const serverUrl = process.env.MINDFUL_SERVER_URL;
const dataDir = path.resolve(process.env.MINDFUL_DATA_DIR ?? '.mindful/extension-replica');
const DEMO_USER = '00000000-0000-4000-8000-000000000001';

/** Signs in (or up) over the API and returns the bearer token and the user id. */
async function credentials(): Promise<{ token: string; userId: string } | null> {
  if (!serverUrl) return null;
  const email = process.env.MINDFUL_EMAIL;
  const password = process.env.MINDFUL_PASSWORD;
  if (!email || !password)
    throw new Error('MINDFUL_EMAIL and MINDFUL_PASSWORD are required with MINDFUL_SERVER_URL');
  const route = process.env.MINDFUL_SIGN_UP === '1' ? 'sign-up' : 'sign-in';
  const response = await fetch(`${serverUrl}/api/auth/${route}/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: email.split('@')[0] }),
  });
  const token = response.headers.get('set-auth-token');
  const body = (await response.json()) as { user?: { id?: string } };
  if (!response.ok || !token || !body.user?.id)
    throw new Error(`${route} failed: ${response.status}`);
  return { token, userId: body.user.id };
}

/** One simulated editor update every 30 s: steady typing, with an interruption now and then. */
async function codeForAnHour(client: MindfulClient, start: number): Promise<void> {
  await client.startSession({
    startTime: start,
    projectPath: process.cwd(),
    language: 'typescript',
  });
  for (let i = 1; i <= 120; i++) {
    const interrupted = i % 40 >= 35;
    const result = await client.recordActivity({
      keystrokeIntervals: Array.from({ length: interrupted ? 4 : 80 }, (_, k) =>
        interrupted ? 900 : 140 + (k % 7) * 5,
      ),
      contextSwitches: interrupted ? 4 : 0,
      errorEvents: interrupted ? 1 : 0,
      focusDurationMs: interrupted ? 0 : (i % 40) * 30_000,
      fileModifications: i % 4 === 0 ? 1 : 0,
      keystrokes: interrupted ? 4 : 80,
      linesAdded: interrupted ? 0 : 2,
      at: start + i * 30_000,
    });
    if (i % 30 === 0)
      console.log(
        `  ${i / 2} min: in flow=${result.isInFlow} intensity=${result.flowIntensity.toFixed(2)}`,
      );
  }
  await client.endSession(start + 121 * 30_000);
}

async function main(): Promise<void> {
  const creds = await credentials();
  const userId = creds?.userId ?? DEMO_USER;
  console.log(`replica: ${dataDir} (user ${userId})`);

  // 1. Offline: no server given, capture works the same.
  const offline = await createMindfulClient({ dataDir, userId });
  console.log('offline: capturing an hour of coding…');
  await codeForAnHour(offline, Date.now() - 2 * 3600_000);
  await offline.close();

  // 2. Restart (a new extension host): everything is still there.
  const restarted = await createMindfulClient({
    dataDir,
    userId,
    ...(creds && serverUrl
      ? { serverUrl, auth: { getToken: () => Promise.resolve(creds.token) } }
      : {}),
  });
  restarted.events.on('status', ({ status, detail }) =>
    console.log(`sync: ${status}${detail ? ` (${detail})` : ''}`),
  );
  const { sessions } = await restarted.history({ limit: 5 });
  console.log(`after restart: ${sessions.length} recent session(s) in the replica`);
  for (const s of sessions) {
    console.log(
      `  ${s.start_time} ${s.keystrokes} keys, focus ${s.focus_score}, ${s.flow_state_periods.length} flow period(s)`,
    );
  }
  const insights = await restarted.insights();
  console.log(`insights from local history: ${insights.length}`);

  // 3. Online: the same replica syncs what was captured offline.
  if (creds) {
    await restarted.whenSynced();
    console.log('synced with the server');
  }
  await restarted.close();
}

main().catch((error: unknown) => {
  if (error instanceof ReplicaLockedError) console.error(error.message);
  else console.error(error);
  process.exitCode = 1;
});
