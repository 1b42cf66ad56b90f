import { randomUUID } from 'node:crypto';
import { FieldCipher, MemoryDocumentLog, PgDocumentLog, purgeUser } from '@mindful/server';
import { userDocName } from '@mindful/shared';
import { openTestDatabase, storeKinds } from '../helpers/databases';
import { TEST_ENCRYPTION_KEY } from '../helpers/test-server';
import { describeDocumentLog } from './document-log-suite';

describeDocumentLog('memory', async () => {
  const log = new MemoryDocumentLog();
  return {
    log,
    newUser: async () => randomUUID(),
    purge: async (userId) => log.purge(userDocName(userId)),
    dispose: async () => undefined,
  };
});

for (const kind of storeKinds()) {
  describeDocumentLog(kind, async () => {
    const db = await openTestDatabase(kind);
    const log = new PgDocumentLog(db.pool, new FieldCipher(TEST_ENCRYPTION_KEY, []));
    return {
      log,
      newUser: async () => {
        const { rows } = await db.pool.query<{ id: string }>(
          'INSERT INTO users (email) VALUES ($1) RETURNING id::text AS id',
          [`log-${randomUUID()}@example.com`],
        );
        return rows[0]!.id;
      },
      purge: async (userId) => (await purgeUser(db.pool, userId, 'data')).generation,
      dispose: () => db.dispose(),
    };
  });
}
