import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The y-websocket wire format (y-protocols), as pure functions.
 *
 * Every frame is binary: `varUint messageType` then the message.
 *   0 sync       `varUint syncType` then `varUint8Array payload`
 *                  syncType 0 step 1: payload is the sender's state vector
 *                  syncType 1 step 2: payload is an update (what the receiver lacks)
 *                  syncType 2 update: payload is an incremental update
 *   1 awareness  `varUint8Array awarenessUpdate`
 *   2 auth       `varUint 0` then `varString reason` (server → client only: permission denied)
 *   3 query awareness (no payload): asks for every awareness state
 * A frame with bytes left over after its message is malformed.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;

export const SyncType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** A decoded client frame. */
export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' };

/** The frame is not a well-formed y-websocket message. */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

/** The frame is well formed but of a type this server does not accept from clients. */
export class UnsupportedMessageError extends Error {
  constructor(readonly messageType: number) {
    super(`Unsupported message type ${messageType}`);
    this.name = 'UnsupportedMessageError';
  }
}

type Decoder = (decoder: decoding.Decoder) => ClientMessage;

const syncDecoders: Record<number, (payload: Uint8Array) => ClientMessage> = {
  [SyncType.step1]: (stateVector) => ({ type: 'sync-step1', stateVector }),
  [SyncType.step2]: (update) => ({ type: 'sync-step2', update }),
  [SyncType.update]: (update) => ({ type: 'sync-update', update }),
};

/** Decoders of client messages, keyed by message type. */
const messageDecoders: Record<number, Decoder> = {
  [MessageType.sync]: (decoder) => {
    const syncType = decoding.readVarUint(decoder);
    const make = syncDecoders[syncType];
    if (!make) throw new MalformedMessageError(`Unknown sync message type ${syncType}`);
    return make(decoding.readVarUint8Array(decoder));
  },
  [MessageType.awareness]: (decoder) => ({
    type: 'awareness',
    update: decoding.readVarUint8Array(decoder),
  }),
  [MessageType.queryAwareness]: () => ({ type: 'query-awareness' }),
};

/**
 * Decodes one client frame. Throws {@link MalformedMessageError} or
 * {@link UnsupportedMessageError}; never anything else.
 */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  let messageType: number;
  let message: ClientMessage;
  const decoder = decoding.createDecoder(frame);
  try {
    messageType = decoding.readVarUint(decoder);
  } catch {
    throw new MalformedMessageError('Empty or truncated frame');
  }
  const decode = messageDecoders[messageType];
  if (!decode) throw new UnsupportedMessageError(messageType);
  try {
    message = decode(decoder);
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    // lib0 throws plain Errors on reading past the end.
    throw new MalformedMessageError(`Truncated message of type ${messageType}`);
  }
  if (decoding.hasContent(decoder)) {
    throw new MalformedMessageError(`Trailing bytes after a message of type ${messageType}`);
  }
  return message;
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1 carrying `stateVector`. */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

/** Sync step 2 carrying `update` (the answer to a step 1). */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step2);
    encoding.writeVarUint8Array(e, update);
  });
}

/** An incremental document update. */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.update);
    encoding.writeVarUint8Array(e, update);
  });
}

/** An awareness update. */
export function encodeAwareness(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });
}
