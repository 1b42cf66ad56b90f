import type * as Y from 'yjs';
import type { SyncStatus } from './sync-status';

/**
 * What a transport needs from the client: the current document (a purge replaces it), its
 * generation, and callbacks for status and for a generation change.
 */
export interface SyncHost {
  doc(): Y.Doc;
  generation(): number;
  onStatus(status: SyncStatus, detail?: string): void;
  /**
   * The server moved the document to `generation`: wipe every local copy and install a fresh doc.
   * The transport reconnects with `doc()` once this resolves — never with the old doc.
   */
  onGenerationMoved(generation: number): Promise<void>;
  onError(error: unknown): void;
}

/** The seam between the client and the network: keeps `host.doc()` in sync with a server. */
export interface SyncTransport {
  readonly status: SyncStatus;
  /** Connects, and keeps reconnecting until {@link SyncTransport.stop}. */
  start(): void;
  /** Disconnects for good and releases the socket. */
  stop(): void;
  /** Disconnects and connects again with the host's current doc and generation (after a wipe). */
  restart(): void;
}
