import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { MindfulClientOptions } from '../client-options';
import { createMindfulClient, type MindfulClient } from '../mindful-client';
import { clientKey, leaseClient, type CreateClient } from './client-registry';
import { MindfulContext, type MindfulContextValue } from './mindful-context';

/** Props of {@link MindfulProvider}: either options (the provider owns the client) or a client. */
export type MindfulProviderProps = {
  children?: ReactNode;
} & (
  | {
      /** Options of the client the provider opens and closes. Changing `dataDir`, `userId` or `serverUrl` opens another. */
      options: MindfulClientOptions;
      /** How to open it; default `createMindfulClient`. */
      createClient?: CreateClient;
      client?: never;
    }
  | {
      /** A client opened (and later closed) by the caller. */
      client: MindfulClient;
      options?: never;
      createClient?: never;
    }
);

/**
 * Gives its children one Mindful client. With `options` it opens the client on mount and closes
 * it after unmount; React strict mode's double mount shares the one client (no second replica
 * owner). Hooks below it (`useSessions`, `useDailyTotals`, `useSyncStatus`…) read from it.
 *
 * @example
 * ```tsx
 * <MindfulProvider options={{ dataDir: `idb://mindful-${userId}`, userId, serverUrl, auth }}>
 *   <Dashboard />
 * </MindfulProvider>
 * ```
 */
export function MindfulProvider(props: MindfulProviderProps): ReactNode {
  const [opened, setOpened] = useState<MindfulContextValue & { key: string | null }>({
    client: null,
    error: null,
    key: null,
  });
  const key = props.options ? clientKey(props.options) : null;
  // The latest props, read when the key changes: other option changes never reopen the client.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const { options, createClient } = latest.current;
    if (!options || key === null) return;
    const lease = leaseClient(options, createClient ?? createMindfulClient);
    let current = true;
    lease.client.then(
      (client) => current && setOpened({ client, error: null, key }),
      (error: unknown) => current && setOpened({ client: null, error, key }),
    );
    return () => {
      current = false;
      lease.release();
    };
  }, [key]);

  const given = props.client ?? null;
  const value = useMemo<MindfulContextValue>(
    () =>
      given
        ? { client: given, error: null }
        : opened.key === key
          ? { client: opened.client, error: opened.error }
          : { client: null, error: null },
    [given, opened, key],
  );
  return <MindfulContext.Provider value={value}>{props.children}</MindfulContext.Provider>;
}
