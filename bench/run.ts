// `npm run bench`: every benchmark of the project, each printing its figures
// next to a baseline measured in the same process.
import { benchFlow } from './flow';

const suites: [string, () => Promise<void>][] = [['flow detection', benchFlow]];

for (const [name, run] of suites) {
  console.log(`\n=== ${name} ===`);
  await run();
}
