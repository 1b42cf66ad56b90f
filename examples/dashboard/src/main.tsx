// The reference dashboard: sign in once, then everything comes from the user's replica in
// IndexedDB through the SDK's React bindings — live as sync brings changes, and offline.
import { MindfulProvider } from '@mindful/client-sdk/react';
import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { loadAccount, saveAccount, signIn, type Account } from './account';
import { Dashboard } from './app';
import './styles.css';

function SignIn({ onSignedIn }: { onSignedIn: (account: Account) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <h1>Mindful Code</h1>
      <form
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          signIn(String(form.get('email')), String(form.get('password'))).then(
            (account) => {
              saveAccount(account);
              onSignedIn(account);
            },
            (err: unknown) => {
              setBusy(false);
              setError(err instanceof Error ? err.message : String(err));
            },
          );
        }}
      >
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

function Root() {
  const [account, setAccount] = useState<Account | null>(loadAccount);
  const options = useMemo(
    () =>
      account && {
        dataDir: `idb://mindful-${account.userId}`,
        userId: account.userId,
        serverUrl: location.origin,
        auth: { getToken: () => Promise.resolve(account.token) },
      },
    [account],
  );
  if (!account || !options) return <SignIn onSignedIn={setAccount} />;
  return (
    <MindfulProvider options={options}>
      <Dashboard
        account={account}
        onSignOut={() => {
          saveAccount(null);
          setAccount(null);
        }}
      />
    </MindfulProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
