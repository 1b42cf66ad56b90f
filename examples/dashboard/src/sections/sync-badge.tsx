import { useSyncStatus } from '@mindful/client-sdk/react';
import { useRef } from 'react';

/** The dashboard's four states. */
export type SyncState = 'offline' | 'syncing' | 'synced' | 'error';

/**
 * The dashboard's four states from the SDK's six. `connecting` is "syncing" only right after
 * being synced (a reconnect); a replica that has not reached the server, or lost it, is offline
 * while it keeps trying, which is what the user needs to know.
 */
export function syncState(status: string, lastSettled: string | null): SyncState {
  if (status === 'synced') return 'synced';
  if (status === 'connecting') return lastSettled === 'synced' ? 'syncing' : 'offline';
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
  const lastSettled = useRef<string | null>(null);
  const state = syncState(status, lastSettled.current);
  if (status !== 'connecting') lastSettled.current = status;
  const reason =
    REASONS[status] ??
    detail ??
    (state === 'offline' ? 'showing this device’s copy; reconnecting' : null);
  return (
    <p id="sync" className={`sync ${state}`} data-status={state} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      <span className="sync-state">{state}</span>
      {reason && state !== 'synced' && <span className="sync-reason">: {reason}</span>}
    </p>
  );
}
