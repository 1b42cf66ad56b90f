import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { fromNodeHeaders } from 'better-auth/node';
import {
  SYNC_CLOSE as CloseCodes,
  generationReason,
  SYNC_PATH_PREFIX,
  userDocName,
  userIdOfDocName,
  type SyncClose,
} from '@mindful/shared';
import type { Auth } from '../auth/auth';
import { userFromHeaders, userFromToken, type AuthenticatedUser } from '../auth/current-user';
import type { SessionWatch } from '../auth/session-watch';
import type { DocumentRegistry } from './document-registry';
import { DocumentTooLargeError, type DocumentPeer, type LiveDocument } from './live-document';
import type { UserQuota } from './user-quota';
import {
  MalformedMessageError,
  UnsupportedMessageError,
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  type ClientMessage,
} from './protocol';
import { TokenBucket } from './rate-limiter';

/** Limits on what one connection may send. */
export interface ConnectionLimits {
  /** Largest message accepted, bytes (also the socket's maxPayload). */
  maxMessageBytes: number;
  /** Messages accepted at once, and refilled per second. */
  burstMessages: number;
  messagesPerSecond: number;
  /** Bytes accepted at once, and refilled per second: a flood of big messages is one too. */
  burstBytes: number;
  bytesPerSecond: number;
  /** Messages (and bytes) held while the document loads. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
}

/**
 * Defaults. The message limit is 16 MiB, not 1: a replica's sync step 2 carries
 * everything the server lacks in one message (a new device's first sync of a
 * long offline history is routinely over 1 MiB), and a limit below it would
 * close that replica on every reconnect, for ever.
 */
export const DEFAULT_LIMITS: ConnectionLimits = {
  maxMessageBytes: 16 * 1024 * 1024,
  burstMessages: 500,
  messagesPerSecond: 200,
  // Room for one first sync at the message limit and some more; then 4 MiB/s,
  // far above what typing produces.
  burstBytes: 32 * 1024 * 1024,
  bytesPerSecond: 4 * 1024 * 1024,
  maxQueuedMessages: 256,
  maxQueuedBytes: 32 * 1024 * 1024,
};

interface ConnectionDeps {
  auth: Auth;
  /** Origins whose pages may use the dashboard's session cookie on the socket. */
  cookieOrigins: ReadonlySet<string>;
  registry: DocumentRegistry;
  log: Logger;
  limits: ConnectionLimits;
  /** Ends the socket when its session ends (sign-out, revocation, expiry, purge). */
  sessions: SessionWatch;
  /** Budgets shared by all of one user's sockets on this instance. */
  quota: UserQuota;
}

type Handler<K extends ClientMessage['type']> = (
  conn: SyncConnection,
  doc: LiveDocument,
  message: Extract<ClientMessage, { type: K }>,
) => Promise<void> | void;

/** What the server does with each client message, keyed by message type. */
const handlers: { [K in ClientMessage['type']]: Handler<K> } = {
  'sync-step1': (conn, doc, m) => doc.answerStep1(m.stateVector, conn),
  'sync-step2': (conn, doc, m) => doc.applyRemoteUpdate(m.update, conn),
  'sync-update': (conn, doc, m) => doc.applyRemoteUpdate(m.update, conn),
  awareness: (conn, doc, m) =>
    awarenessProtocol.applyAwarenessUpdate(doc.awareness, m.update, conn),
  'query-awareness': (conn, doc) =>
    conn.send(
      encodeAwareness(
        awarenessProtocol.encodeAwarenessUpdate(doc.awareness, [
          ...doc.awareness.getStates().keys(),
        ]),
      ),
    ),
};

/** The generation a replica says it holds (`?generation=`); absent or garbage counts as 1. */
export function clientGeneration(raw: string | null): number {
  const n = raw === null ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

/**
 * One replica's socket. Messages are queued from the first byte, while the
 * upgrade is authenticated and the document loads, and handled in order
 * afterwards; nothing of the document is sent before the generation check.
 * Every frame is untrusted: a bad one closes this connection with a named
 * code and never throws out of a socket callback.
 */
export class SyncConnection implements DocumentPeer {
  readonly awarenessIds = new Set<number>();
  private doc: LiveDocument | null = null;
  /** Frames are queued until the document is loaded, step 1 is sent and the queue is drained. */
  private ready = false;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private closed = false;
  private readonly bucket: TokenBucket;
  private readonly byteBucket: TokenBucket;
  /** The user counted in {@link ConnectionDeps.quota} for this socket, once admitted. */
  private admittedUser: string | null = null;
  private unwatchSession: (() => void) | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    this.bucket = new TokenBucket(
      deps.limits.burstMessages,
      deps.limits.messagesPerSecond,
      Date.now(),
    );
    this.byteBucket = new TokenBucket(
      deps.limits.burstBytes,
      deps.limits.bytesPerSecond,
      Date.now(),
    );
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onClosed());
    ws.on('error', (error) => deps.log.debug({ err: error }, 'sync socket error'));
  }

  /** Authenticates, checks the generation, loads the document and starts syncing. */
  async open(req: IncomingMessage, url: URL): Promise<void> {
    try {
      await this.openUnsafe(req, url);
    } catch (error) {
      // Closed meanwhile (the peer left, or its document was evicted): nothing went wrong.
      if (this.closed) return;
      this.deps.log.error({ err: error }, 'could not open a sync connection');
      this.close(CloseCodes.internalError);
    }
  }

  send(frame: Uint8Array): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(frame, (error) => {
      if (error) this.deps.log.debug({ err: error }, 'sync send failed');
    });
  }

  close(code: SyncClose, reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.registry.metrics.countClose(code.code);
    this.leaveQuota();
    this.doc?.detach(this);
    this.ws.close(code.code, reason ?? code.reason);
    // A peer that never answers the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 5_000).unref();
  }

  private async openUnsafe(req: IncomingMessage, url: URL): Promise<void> {
    const { registry } = this.deps;
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice(SYNC_PATH_PREFIX.length));
    } catch {
      this.close(CloseCodes.forbidden);
      return;
    }
    const generation = clientGeneration(url.searchParams.get('generation'));
    const user = await this.authenticate(req, url);
    if (this.closed) return;
    if (!user) {
      // A purged account's token no longer works, yet its offline replicas must
      // still learn to wipe: a tombstone answers 4410 even without credentials.
      const current = await registry.currentGeneration(docName);
      if (current !== null && generation < current && userIdOfDocName(docName) !== null) {
        this.close(CloseCodes.generationMoved, generationReason(current));
      } else {
        this.close(CloseCodes.unauthorized);
      }
      return;
    }
    // Exactly the canonical name: any other spelling would key a second document.
    if (docName !== userDocName(user.id)) {
      this.close(CloseCodes.forbidden);
      return;
    }
    const current = await registry.currentGeneration(docName);
    if (current !== null && generation < current) {
      this.close(CloseCodes.generationMoved, generationReason(current));
      return;
    }
    if (this.closed || !this.admit(user)) return;
    let doc = await registry.acquire(docName, user.id);
    if (current !== null && doc.generation < current) {
      registry.release(doc);
      await registry.evict(docName, current);
      doc = await registry.acquire(docName, user.id);
    }
    try {
      // A purge may have committed between the check above and the load: the
      // loaded generation is authoritative, and old state must not enter it.
      if (generation < doc.generation) {
        this.close(CloseCodes.generationMoved, generationReason(doc.generation));
        return;
      }
      if (this.closed || !doc.attach(this)) return;
      this.doc = doc;
    } finally {
      registry.release(doc);
    }
    registry.metrics.connectionsOpened++;
    await doc.whenLogged();
    this.send(encodeSyncStep1(Y.encodeStateVector(doc.ydoc)));
    const states = [...doc.awareness.getStates().keys()];
    if (states.length > 0) {
      this.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, states)));
    }
    // Synchronous from here: no frame can slip in between the queued ones.
    const queued = this.queued;
    this.queued = [];
    this.ready = true;
    for (const frame of queued) this.handle(frame);
  }

  /**
   * Counts the socket against its user's connection cap and ties it to its
   * session; false (and closed with 4429) when the user is at the cap.
   */
  private admit(user: AuthenticatedUser): boolean {
    if (!this.deps.quota.connect(user.id, Date.now())) {
      this.deps.registry.metrics.userCapRefusals++;
      this.close(CloseCodes.rateLimited, 'too many connections for this user');
      return false;
    }
    this.admittedUser = user.id;
    this.unwatchSession = this.deps.sessions.watch(user.sessionId, () => {
      this.deps.registry.metrics.sessionsEndedOnSocket++;
      this.close(CloseCodes.unauthorized, 'session ended');
    });
    return true;
  }

  private leaveQuota(): void {
    this.unwatchSession?.();
    this.unwatchSession = null;
    if (this.admittedUser !== null) this.deps.quota.disconnect(this.admittedUser, Date.now());
    this.admittedUser = null;
  }

  private async authenticate(req: IncomingMessage, url: URL): Promise<AuthenticatedUser | null> {
    const token = url.searchParams.get('token');
    try {
      if (token) return await userFromToken(this.deps.auth, token);
      // Browsers send cookies on cross-site WebSocket upgrades (no CORS here):
      // a cookie counts only from a trusted origin, a bearer header from anywhere.
      const origin = req.headers.origin;
      if (!req.headers.authorization && origin && !this.deps.cookieOrigins.has(origin)) return null;
      return await userFromHeaders(this.deps.auth, fromNodeHeaders(req.headers));
    } catch (error) {
      this.deps.log.warn({ err: error }, 'sync authentication failed');
      return null;
    }
  }

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed) return;
    try {
      if (!this.bucket.take(Date.now())) {
        this.reject(CloseCodes.rateLimited);
        return;
      }
      if (!isBinary) {
        this.reject(CloseCodes.malformedMessage, 'text frames are not y-websocket messages');
        return;
      }
      // Larger messages never get here: `ws` closes them with 1009 (maxPayload).
      const frame = toBytes(data);
      if (!this.byteBucket.take(Date.now(), frame.byteLength)) {
        this.reject(CloseCodes.rateLimited, 'too many bytes');
        return;
      }
      if (!this.ready) {
        this.queuedBytes += frame.byteLength;
        if (
          this.queued.length >= this.deps.limits.maxQueuedMessages ||
          this.queuedBytes > this.deps.limits.maxQueuedBytes
        ) {
          this.reject(CloseCodes.rateLimited, 'too many messages before the document loaded');
          return;
        }
        this.queued.push(frame);
        return;
      }
      this.handle(frame);
    } catch (error) {
      this.deps.log.error({ err: error }, 'sync frame handling failed');
      this.reject(CloseCodes.internalError);
    }
  }

  /** Decodes and dispatches one frame; failures close this connection only. */
  private handle(frame: Uint8Array): void {
    const doc = this.doc;
    if (!doc || this.closed) return;
    // Every frame counts against the user's budget, whichever of their sockets sent it.
    if (
      this.admittedUser !== null &&
      !this.deps.quota.write(this.admittedUser, frame.byteLength, Date.now())
    ) {
      this.deps.registry.metrics.userCapRefusals++;
      this.reject(CloseCodes.rateLimited, 'user write budget exceeded');
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(frame);
    } catch (error) {
      if (error instanceof UnsupportedMessageError) this.reject(CloseCodes.unsupportedMessage);
      else if (error instanceof MalformedMessageError) this.reject(CloseCodes.malformedMessage);
      else this.reject(CloseCodes.internalError);
      return;
    }
    try {
      const handler = handlers[message.type] as Handler<typeof message.type>;
      const result = handler(this, doc, message as never);
      if (result) result.catch((error: unknown) => this.onHandlerError(doc, error));
    } catch (error) {
      this.onHandlerError(doc, error);
    }
  }

  private onHandlerError(doc: LiveDocument, error: unknown): void {
    // A dead document already closed its peers with the right code.
    if (doc.dead || this.closed) return;
    if (error instanceof DocumentTooLargeError) {
      this.deps.registry.metrics.userCapRefusals++;
      this.deps.log.warn({ doc: doc.docName }, 'document at its size cap; update refused');
      this.reject(CloseCodes.documentTooLarge);
      return;
    }
    this.deps.log.debug({ err: error }, 'sync message refused');
    this.reject(CloseCodes.malformedMessage);
  }

  private reject(code: SyncClose, reason?: string): void {
    this.deps.registry.metrics.messagesRejected++;
    this.close(code, reason);
  }

  private onClosed(): void {
    this.closed = true;
    this.leaveQuota();
    this.doc?.detach(this);
    this.doc = null;
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
