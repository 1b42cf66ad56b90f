import { useEffect, useRef, useState } from 'react';
import type { MindfulClient, Unsubscribe } from '../mindful-client';
import { useMindfulClient } from './mindful-context';

/** What a live hook returns. */
export interface LiveResult<T> {
  /** The latest result; undefined until the first one arrives (or while the client opens). */
  data: T | undefined;
  /** True until the first result of the current query arrived. */
  loading: boolean;
  /** Why the query failed (e.g. `InvalidQueryError` for a bad range), else null. */
  error: unknown;
}

interface State<T> {
  client: MindfulClient | null;
  key: string;
  data: T | undefined;
  error: unknown;
}

/**
 * Subscribes to a live query of the provider's client while mounted, keyed by `key` (the query's
 * arguments as text): a new key resubscribes, the same key with new argument objects does not. A
 * result equal to the last one (same JSON) leaves the state untouched, so the component does not
 * re-render for changes that do not concern it.
 */
export function useLive<T>(
  key: string,
  subscribe: (client: MindfulClient, onChange: (value: T) => void) => Promise<Unsubscribe>,
): LiveResult<T> {
  const client = useMindfulClient();
  const subscribeRef = useRef(subscribe);
  subscribeRef.current = subscribe;
  const [state, setState] = useState<State<T>>({
    client: null,
    key,
    data: undefined,
    error: null,
  });

  useEffect(() => {
    if (!client) return;
    let active = true;
    let unsubscribe: Unsubscribe | null = null;
    // Compared here, not inside a state updater: React may render a component once before it
    // bails out of an equal state, and that render is what this hook promises not to cause.
    let lastPrint: string | undefined;
    const onChange = (value: T) => {
      if (!active) return;
      const print = JSON.stringify(value);
      if (print === lastPrint) return;
      lastPrint = print;
      setState({ client, key, data: value, error: null });
    };
    subscribeRef.current(client, onChange).then(
      (off) => {
        if (active) unsubscribe = off;
        else void off();
      },
      (error: unknown) => {
        if (active) setState({ client, key, data: undefined, error });
      },
    );
    return () => {
      active = false;
      if (unsubscribe) void unsubscribe();
    };
  }, [client, key]);

  const current = state.client === client && state.key === key && client !== null;
  return {
    data: current ? state.data : undefined,
    loading: !current || (state.data === undefined && state.error === null),
    error: current ? state.error : null,
  };
}
