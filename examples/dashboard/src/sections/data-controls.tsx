import { useRef, useState } from 'react';
import { api, type Account } from '../account';
import { Section } from './section';

/** Export everything the server holds, or purge it (with a typed confirmation). */
export function DataControls({ account, online }: { account: Account; online: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const exportData = async () => {
    setMessage(null);
    const response = await api(account, '/api/privacy/export');
    if (!response.ok) return setMessage(`Export failed (${response.status}).`);
    const blob = await response.blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `mindful-export-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
    setMessage('Export downloaded.');
  };

  const purge = async () => {
    setBusy(true);
    try {
      const response = await api(account, '/api/privacy/purge?scope=data', { method: 'DELETE' });
      setMessage(
        response.ok
          ? 'Purged: every device is emptying its copy.'
          : `Purge failed (${response.status}).`,
      );
    } finally {
      setBusy(false);
      setTyped('');
      dialog.current?.close();
    }
  };

  return (
    <Section id="data" title="Your data">
      <p>Export everything the server holds about you as JSON, or delete all of it everywhere.</p>
      <div className="buttons">
        <button
          type="button"
          onClick={() => void exportData().catch((e: unknown) => setMessage(String(e)))}
          disabled={!online}
        >
          Export my data
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => dialog.current?.showModal()}
          disabled={!online}
        >
          Purge my data…
        </button>
      </div>
      {!online && <p className="muted">Export and purge need the server; you are offline.</p>}
      {message && <p role="status">{message}</p>}
      <dialog ref={dialog} aria-labelledby="purge-title" onClose={() => setTyped('')}>
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === 'delete') void purge();
          }}
        >
          <h3 id="purge-title">Delete all your coding data?</h3>
          <p>
            Sessions, flow states, insights and settings are deleted on the server, and every device
            (this one too) empties its copy. Your account stays. This cannot be undone.
          </p>
          <label htmlFor="purge-confirm">Type “delete” to confirm</label>
          <input
            id="purge-confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
          />
          <div className="buttons">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="danger" disabled={typed !== 'delete' || busy}>
              Delete everything
            </button>
          </div>
        </form>
      </dialog>
    </Section>
  );
}
