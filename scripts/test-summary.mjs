// Sums the vitest JSON reports that each workspace package's `test` task leaves in .test-report.json
// and prints one closing line, `N passed, N failed, N skipped`. Exits non-zero when anything failed
// or when a package that has tests left no report.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'examples']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const reportFile = join(dir, '.test-report.json');
    if (!existsSync(reportFile)) {
      missing.push(dir);
      continue;
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    // Every test that neither passed nor failed is a skip: it.skip, skipIf/runIf, describe.skip, ctx.skip(),
    // it.todo, and tests filtered out with -t. Counting the rest of the total catches any kind vitest adds.
    skipped += (report.numTotalTests ?? 0) - (report.numPassedTests ?? 0) - (report.numFailedTests ?? 0);
    if (report.success === false && (report.numFailedTests ?? 0) === 0) failed += 1; // a suite that failed to load
  }
}
for (const dir of missing) console.error(`test-summary: ${dir} has a test script but left no .test-report.json`);
console.log(`${passed} passed, ${failed + missing.length} failed, ${skipped} skipped`);
process.exit(failed + missing.length > 0 ? 1 : 0);
