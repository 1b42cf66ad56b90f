/** Channel on which instances relay their replicas' awareness (presence) to each other. */
export const DOC_AWARENESS_CHANNEL = 'mindful_doc_awareness';

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; an awareness
 * update whose notice would not fit is not relayed.
 */
export const MAX_AWARENESS_NOTICE_BYTES = 7_999;

/** One relayed awareness update. */
export interface AwarenessNotice {
  docName: string;
  generation: number;
  /** The relaying instance (it ignores its own notices). */
  instance: string;
  update: Uint8Array;
}

const DIGITS = /^\d{1,19}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `<doc_name>|<generation>|<instance>|<base64 update>`, or null when it would not fit in a notification. */
export function encodeAwarenessNotice(notice: AwarenessNotice): string | null {
  const payload = [
    notice.docName,
    notice.generation,
    notice.instance,
    Buffer.from(notice.update).toString('base64'),
  ].join('|');
  return Buffer.byteLength(payload) <= MAX_AWARENESS_NOTICE_BYTES ? payload : null;
}

/** Parses {@link encodeAwarenessNotice}'s payload (the name may contain `|`); null for anything else. */
export function parseAwarenessNotice(payload: string): AwarenessNotice | null {
  const parts = payload.split('|');
  if (parts.length < 4) return null;
  const [generation, instance, base64] = parts.slice(-3) as [string, string, string];
  const docName = parts.slice(0, -3).join('|');
  if (!docName || !DIGITS.test(generation) || !DIGITS.test(instance)) return null;
  if (base64.length === 0 || !BASE64.test(base64)) return null;
  const gen = Number(generation);
  if (!Number.isSafeInteger(gen) || gen < 1) return null;
  return {
    docName,
    generation: gen,
    instance,
    update: new Uint8Array(Buffer.from(base64, 'base64')),
  };
}
