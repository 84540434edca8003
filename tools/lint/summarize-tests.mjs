// @ts-check
/**
 * Adds up the vitest JSON reports every workspace package wrote during `turbo run test`
 * (`<package>/test-results.json`) and prints one closing line, `N passed, N failed, N skipped`,
 * so a CI reader sees the whole run's count. Exits non-zero if any test failed or a package
 * that has tests left no report. With `--clean`, removes old reports instead (run it first).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const clean = process.argv.includes('--clean');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps', 'tools']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    if (!existsSync(join(dir, 'test'))) continue;
    const report = join(dir, 'test-results.json');
    if (clean) {
      rmSync(report, { force: true });
      continue;
    }
    if (!existsSync(report)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const results = JSON.parse(readFileSync(report, 'utf8'));
    passed += results.numPassedTests;
    failed += results.numFailedTests;
    skipped += results.numPendingTests + results.numTodoTests;
    console.log(
      `${group}/${name}: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`,
    );
  }
}
if (clean) process.exit(0);
for (const name of missing) console.log(`${name}: no test report (did its tests run?)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
