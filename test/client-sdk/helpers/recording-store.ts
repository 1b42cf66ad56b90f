import type { ReplicaStore } from '@mindful/client-sdk';

/** The real store, the name of every method called on it pushed to `calls`. */
export function recording(store: ReplicaStore, calls: string[]): ReplicaStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
