import { privacySettingsPatchSchema, userDocName, type PrivacySettings } from '@mindful/shared';
import { sessionCacheOf } from '../auth/current-user';
import type { AppContext } from '../context';
import { inTransaction } from '../db/database';
import { parseInput } from '../errors/parse-input';
import { purgeUser, type PurgeOutcome, type PurgeScope } from './purge';
import { mirrorPrivacySettings } from './settings-mirror';

/**
 * The privacy rules behind `/api/privacy/*`: settings live in the user's
 * document (so every replica sees and enforces them) and are mirrored on the
 * user row; a purge
 * deletes everything in one transaction, then forgets what this instance
 * cached and closes the document's replicas with 4410.
 */
export class PrivacyService {
  constructor(private readonly ctx: AppContext) {}

  /** The user's settings, as their document holds them. */
  settings(userId: string): Promise<PrivacySettings> {
    return this.ctx.registry.use(userId, async (doc) => doc.userDoc.settings);
  }

  /** Applies a settings patch (untrusted input) to the document, then to the user row. */
  async updateSettings(userId: string, body: unknown): Promise<PrivacySettings> {
    const patch = parseInput(privacySettingsPatchSchema, body);
    const settings = await this.ctx.registry.write(userId, (doc) => doc.updateSettings(patch));
    await inTransaction(this.ctx.db.pool, (client) =>
      mirrorPrivacySettings(client, userId, settings),
    );
    return settings;
  }

  /** Purges the user's data (`scope`), then what this instance cached of them. */
  async purge(userId: string, scope: PurgeScope): Promise<PurgeOutcome> {
    const outcome = await purgeUser(this.ctx.db.pool, userId, scope);
    if (scope === 'all') sessionCacheOf(this.ctx.auth)?.forgetUser(userId);
    this.ctx.baselines.forget(userId);
    await this.ctx.registry.evict(userDocName(userId), outcome.generation);
    this.ctx.log.info({ scope, teams: outcome.teamsRecomputed }, 'user data purged');
    return outcome;
  }
}
