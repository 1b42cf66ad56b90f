// `npm run bench`: every benchmark of the project, each printing its figures
// next to a baseline measured in the same process. The database-backed ones
// use BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL) and create and drop
// their own database.
import { benchClient } from './client';
import { benchFlow } from './flow';
import { benchSync } from './sync';
import { benchTeams } from './teams';

const suites: [string, () => Promise<void>][] = [
  ['flow detection (shared)', benchFlow],
  ['client SDK', benchClient],
  ['sync server', benchSync],
  ['teams aggregation', benchTeams],
];

const only = process.argv.slice(2);
for (const [name, run] of suites) {
  if (only.length > 0 && !only.some((word) => name.includes(word))) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}
