import { useSyncStatus } from '@mindful/client-sdk/react';

/** The dashboard's four states from the SDK's six. */
export function syncState(status: string): 'offline' | 'syncing' | 'synced' | 'error' {
  if (status === 'synced') return 'synced';
  if (status === 'connecting') return 'syncing';
  if (status === 'offline') return 'offline';
  return 'error';
}

const REASONS: Record<string, string> = {
  unauthorized: 'the server no longer accepts your sign-in: sign in again',
  forbidden: 'the server says this data is not yours',
};

/** Sync status with its reason: offline, syncing, synced, or error. */
export function SyncBadge() {
  const { status, detail } = useSyncStatus();
  const state = syncState(status);
  const reason = REASONS[status] ?? detail;
  return (
    <p id="sync" className={`sync ${state}`} data-status={state} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      <span className="sync-state">{state}</span>
      {reason && state !== 'synced' && <span className="sync-reason">: {reason}</span>}
    </p>
  );
}
