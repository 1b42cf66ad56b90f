import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';

/** The secrets the server runs with, resolved from the environment or, in development, DATA_DIR. */
export interface Secrets {
  encryptionKeyHex: string;
  authSecret: string;
}

/**
 * In production both secrets come from the environment (config validation
 * already refused to start without them). In development a missing secret is
 * generated once and kept in DATA_DIR, with a warning, so restarts can still
 * decrypt what they wrote.
 */
export async function resolveSecrets(config: Config, log: Logger): Promise<Secrets> {
  const encryptionKeyHex =
    config.encryptionKeyHex ??
    (await keptSecret(
      config.dataDir,
      'encryption-key',
      () => randomBytes(32).toString('hex'),
      log,
    ));
  const authSecret =
    config.authSecret ??
    (await keptSecret(
      config.dataDir,
      'auth-secret',
      () => randomBytes(32).toString('base64url'),
      log,
    ));
  return { encryptionKeyHex, authSecret };
}

async function keptSecret(
  dataDir: string,
  name: string,
  generate: () => string,
  log: Logger,
): Promise<string> {
  const file = path.join(dataDir, `${name}.secret`);
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = generate();
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  log.warn(
    { file },
    `No ${name === 'encryption-key' ? 'ENCRYPTION_KEY' : 'BETTER_AUTH_SECRET'} set: generated one for development and kept it in DATA_DIR. Set it explicitly in production.`,
  );
  return secret;
}
