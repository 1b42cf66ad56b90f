/** A map from event name to the argument its listeners receive. */
export type EventMap = Record<string, unknown>;

/**
 * A tiny synchronous event emitter typed by an {@link EventMap}. A throwing listener is reported
 * on the console and does not stop the others (the SDK emits from socket and database callbacks,
 * where a throw would be lost or crash the process).
 *
 * @example
 * const events = new TypedEmitter<{ status: 'offline' | 'synced' }>();
 * const off = events.on('status', (s) => console.log(s));
 * events.emit('status', 'synced');
 * off();
 */
export class TypedEmitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<(value: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: (value: E[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with {@link TypedEmitter.on}. */
  off<K extends keyof E>(event: K, listener: (value: E[K]) => void): void {
    this.listeners.get(event)?.delete(listener as (value: never) => void);
  }

  /** Resolves with the next value of `event` that satisfies `predicate`. */
  once<K extends keyof E>(
    event: K,
    predicate: (value: E[K]) => boolean = () => true,
  ): Promise<E[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (value) => {
        if (!predicate(value)) return;
        off();
        resolve(value);
      });
    });
  }

  /** Calls every listener of `event` with `value`. */
  emit<K extends keyof E>(event: K, value: E[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (value: E[K]) => void)(value);
      } catch (error) {
        // A listener's bug must not break the SDK's own flow (nor crash the extension host):
        // report it and go on with the other listeners.
        console.error(`Mindful client: a '${String(event)}' listener threw`, error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }
}
