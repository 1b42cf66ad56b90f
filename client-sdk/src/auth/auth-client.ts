import type { SyncAuth } from '../sync/websocket-sync';

/**
 * A signed-in user as the SDK hands it back. Like every object the SDK
 * itself makes, its fields are camelCase (README "Naming"); records that
 * mirror the wire (sessions, flow states, settings) keep the server's
 * snake_case names.
 */
export interface AuthSession {
  /** The user's id (a lower-case UUID): `createMindfulClient({ userId })`. */
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  /** The bearer token (`Authorization: Bearer <token>`). */
  readonly token: string;
  /** Ready for `createMindfulClient({ auth })` or `client.connect(serverUrl, auth)`. */
  readonly auth: SyncAuth;
}

/** What the server said when it refused a sign-up, sign-in or sign-out. */
export class AuthRequestError extends Error {
  constructor(
    /** HTTP status (400 bad input, 401 wrong credentials, 422 email taken, 429 too many attempts). */
    readonly status: number,
    /** The server's error code (`invalid_email_or_password`, `rate_limited`, …). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthRequestError';
  }
}

/** Fields of {@link signUp}. */
export interface SignUpFields {
  email: string;
  /** 8–128 characters. */
  password: string;
  name: string;
  /** IANA time zone (`Europe/Berlin`); the server uses UTC until one is set. */
  timezone?: string;
}

/** Fields of {@link signIn}. */
export interface SignInFields {
  email: string;
  password: string;
}

/** Options shared by the helpers. */
export interface AuthRequestOptions {
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * Creates an account on the server and signs it in.
 *
 * @throws {@link AuthRequestError} when the server refuses (the email is taken, a weak password…).
 * @example
 * const session = await signUp('http://127.0.0.1:8080', { email, password, name: 'Ada' });
 * const client = await createMindfulClient({ dataDir, userId: session.userId,
 *   serverUrl: 'http://127.0.0.1:8080', auth: session.auth });
 */
export function signUp(
  serverUrl: string,
  fields: SignUpFields,
  options: AuthRequestOptions = {},
): Promise<AuthSession> {
  return authenticate(serverUrl, '/api/auth/sign-up/email', fields, options);
}

/**
 * Signs an existing account in.
 *
 * @throws {@link AuthRequestError} on wrong credentials (401) or too many attempts (429).
 * @example
 * const session = await signIn(serverUrl, { email, password });
 * await client.connect(serverUrl, session.auth);
 */
export function signIn(
  serverUrl: string,
  fields: SignInFields,
  options: AuthRequestOptions = {},
): Promise<AuthSession> {
  return authenticate(serverUrl, '/api/auth/sign-in/email', fields, options);
}

/**
 * Signs the token out: the server forgets the session, and the token no
 * longer opens the API or the sync socket.
 *
 * @throws {@link AuthRequestError} when the server refuses.
 */
export async function signOut(
  serverUrl: string,
  token: string,
  options: AuthRequestOptions = {},
): Promise<void> {
  const response = await (options.fetch ?? fetch)(new URL('/api/auth/sign-out', serverUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw await requestError(response);
}

/** A {@link SyncAuth} that always offers the same token. */
export function tokenAuth(token: string): SyncAuth {
  return { getToken: async () => token };
}

async function authenticate(
  serverUrl: string,
  path: string,
  fields: object,
  options: AuthRequestOptions,
): Promise<AuthSession> {
  const response = await (options.fetch ?? fetch)(new URL(path, serverUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  if (!response.ok) throw await requestError(response);
  const token = response.headers.get('set-auth-token');
  const body = (await response.json()) as { user?: { id?: string; email?: string; name?: string } };
  if (!token || !body.user?.id) {
    throw new AuthRequestError(response.status, 'no_token', 'The server answered without a token');
  }
  return {
    userId: body.user.id.toLowerCase(),
    email: body.user.email ?? '',
    name: body.user.name ?? '',
    token,
    auth: tokenAuth(token),
  };
}

async function requestError(response: Response): Promise<AuthRequestError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (error?.code) {
      return new AuthRequestError(response.status, error.code, error.message ?? error.code);
    }
  } catch {
    // not the API's error shape: fall through
  }
  return new AuthRequestError(response.status, `http_${response.status}`, text.slice(0, 200));
}
