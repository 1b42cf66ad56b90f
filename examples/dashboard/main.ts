// The dashboard example: sign in, open the user's replica in IndexedDB, render live history.
// Bundled for the browser by build.ts; served with the API proxied on the same origin by serve.ts.
import { createMindfulClient, type HistoryPage, type MindfulClient } from '@mindful/client-sdk';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let client: MindfulClient | null = null;

async function signIn(email: string, password: string): Promise<{ token: string; userId: string }> {
  const response = await fetch('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed (${response.status})`);
  const token = response.headers.get('set-auth-token');
  const body = (await response.json()) as { user?: { id?: string } };
  if (!token || !body.user?.id) throw new Error('sign-in returned no token');
  return { token, userId: body.user.id };
}

function setStatus(status: string): void {
  const el = $<HTMLSpanElement>('status');
  el.textContent = status;
  el.dataset.status = status;
}

function minutes(ms: number | null): string {
  return ms === null ? '—' : `${Math.round(ms / 60_000)} min`;
}

function render(page: HistoryPage): void {
  const rows = page.sessions.map((s) => {
    const tr = document.createElement('tr');
    tr.dataset.sessionId = s.id;
    tr.dataset.keystrokes = String(s.keystrokes);
    for (const text of [
      new Date(s.start_time).toLocaleString(),
      s.end_time ? minutes(s.total_duration_ms) : 'in progress',
      String(s.keystrokes),
      s.focus_score === null ? '—' : s.focus_score.toFixed(2),
      String(s.flow_state_periods.length),
      s.device_id ?? '',
    ]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('history').replaceChildren(...rows);
}

async function open(email: string, password: string): Promise<void> {
  const { token, userId } = await signIn(email, password);
  await client?.close();
  setStatus('opening replica');
  client = await createMindfulClient({
    dataDir: `idb://mindful-${userId}`,
    userId,
    serverUrl: location.origin,
    auth: { getToken: () => Promise.resolve(token) },
  });
  client.events.on('status', ({ status }) => setStatus(status));
  client.events.on('error', (error) => ($('error').textContent = String(error)));
  setStatus(client.status);
  await client.live.history(render, { limit: 100 });
  await client.live.currentFlow((flow) => {
    $('flow').textContent = flow.inFlow
      ? `In flow since ${new Date(flow.flowSince!).toLocaleTimeString()}`
      : flow.sessionId
        ? 'Session in progress'
        : '';
  });
}

$<HTMLFormElement>('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  $('error').textContent = '';
  open($<HTMLInputElement>('email').value, $<HTMLInputElement>('password').value).catch(
    (error: unknown) => {
      setStatus('error');
      $('error').textContent = error instanceof Error ? error.message : String(error);
    },
  );
});
