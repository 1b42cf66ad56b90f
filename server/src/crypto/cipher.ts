import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

/** A value could not be decrypted: wrong key, tampered, or moved to another row. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

const PREFIX = 'mc1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  kid: string;
  bytes: Buffer;
}

/** A key's id: the first 8 hex digits of its SHA-256, so ids need no config of their own. */
export function keyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 8);
}

/**
 * AES-256-GCM for values at rest. Every value gets a fresh random 96-bit nonce
 * (the seed reused one, which breaks GCM), carries the id of the key that
 * sealed it (so keys rotate), and is bound by associated data to its place —
 * table, column and row — so a ciphertext copied to another row fails to open.
 *
 * Envelope: `mc1.<kid>.<nonce>.<ciphertext>.<tag>`, base64url parts.
 */
export class FieldCipher {
  private readonly current: Key;
  private readonly keys: Map<string, Buffer>;
  private readonly fingerprintKey: Buffer;

  constructor(currentKeyHex: string, previousKeysHex: string[] = []) {
    this.current = toKey(currentKeyHex);
    // A subkey of its own: fingerprints never reuse the encryption key directly.
    this.fingerprintKey = Buffer.from(
      hkdfSync('sha256', this.current.bytes, Buffer.alloc(0), 'mindful fingerprint', 32),
    );
    this.keys = new Map([this.current, ...previousKeysHex.map(toKey)].map((k) => [k.kid, k.bytes]));
  }

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.current.kid;
  }

  encrypt(plaintext: string | Uint8Array, place: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, nonce);
    cipher.setAAD(Buffer.from(aad(this.current.kid, place)));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [PREFIX, this.current.kid, b64(nonce), b64(body), b64(cipher.getAuthTag())].join('.');
  }

  decrypt(envelope: string, place: string): Buffer {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== PREFIX) {
      throw new DecryptionError(`Not an encrypted value (expected ${PREFIX} envelope) at ${place}`);
    }
    const [, kid, nonce, body, tag] = parts as [string, string, string, string, string];
    const key = this.keys.get(kid);
    if (!key) {
      throw new DecryptionError(
        `Value at ${place} was sealed with key ${kid}, which is not configured ` +
          '(set it in ENCRYPTION_KEY or ENCRYPTION_KEYS_PREVIOUS)',
      );
    }
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== TAG_BYTES) throw new DecryptionError(`Truncated value at ${place}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(aad(kid, place)));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    } catch {
      throw new DecryptionError(
        `Value at ${place} failed authentication: tampered, or copied from another row`,
      );
    }
  }

  decryptString(envelope: string, place: string): string {
    return this.decrypt(envelope, place).toString('utf8');
  }

  encryptJson(value: unknown, place: string): string {
    return this.encrypt(JSON.stringify(value), place);
  }

  decryptJson<T = unknown>(envelope: string, place: string): T {
    return JSON.parse(this.decryptString(envelope, place)) as T;
  }

  /**
   * A keyed hash (HMAC-SHA256 under a subkey of the current key) of `text`:
   * equal texts give equal fingerprints, and without the key nothing about the
   * text can be learned or guessed from it.
   */
  fingerprint(text: string): string {
    return createHmac('sha256', this.fingerprintKey).update(text).digest('base64url');
  }

  /** True when the value was sealed with an older key and should be re-encrypted. */
  isStale(envelope: string): boolean {
    return envelope.split('.')[1] !== this.current.kid;
  }
}

/** The place a value lives, as associated data: `table.column:rowId`. */
export function placeOf(table: string, column: string, rowId: string): string {
  return `${table}.${column}:${rowId}`;
}

function aad(kid: string, place: string): string {
  return `${PREFIX}|${kid}|${place}`;
}

function toKey(hex: string): Key {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length !== 32) throw new Error('An AES-256 key is 32 bytes (64 hex characters)');
  return { kid: keyId(bytes), bytes };
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
