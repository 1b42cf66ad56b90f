// The signed-in account, kept in localStorage so a reload opens the replica without the server
// (offline): the replica in IndexedDB is the data, the token only matters for syncing.

/** Who is signed in on this browser. */
export interface Account {
  userId: string;
  email: string;
  token: string;
}

const KEY = 'mindful-dashboard-account';

/** The remembered account, or null. */
export function loadAccount(): Account | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<Account> | null;
    return value?.userId && value.token && value.email ? (value as Account) : null;
  } catch {
    return null;
  }
}

/** Remembers the account (or forgets it with null). */
export function saveAccount(account: Account | null): void {
  if (account) localStorage.setItem(KEY, JSON.stringify(account));
  else localStorage.removeItem(KEY);
}

/** Signs in through the same-origin `/api` proxy; the bearer token comes in `set-auth-token`. */
export async function signIn(email: string, password: string): Promise<Account> {
  const response = await fetch('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
    } | null;
    throw new Error(body?.error?.message ?? `sign-in failed (${response.status})`);
  }
  const token = response.headers.get('set-auth-token');
  const body = (await response.json()) as { user?: { id?: string } };
  if (!token || !body.user?.id) throw new Error('sign-in returned no token');
  return { userId: body.user.id, email, token };
}

/** A request to the Mindful API with the account's bearer token. */
export function api(account: Account, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${account.token}` },
  });
}
