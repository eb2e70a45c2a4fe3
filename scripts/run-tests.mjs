// Runs every test tier with Node's test runner. Tiers that need outside parts (a browser, a
// PostgreSQL server) prepare them first, so `npm test` works on a fresh machine.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const tiers = ['unit', 'integration', 'browser'];
const only = process.argv.slice(2);
const files = [];
for (const tier of tiers) {
  if (only.length > 0 && !only.includes(tier)) continue;
  const dir = path.join('test', tier);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) if (name.endsWith('.test.ts')) files.push(path.join(dir, name));
}
if (files.some((file) => file.startsWith(path.join('test', 'browser') + path.sep))) {
  const browser = spawnSync(process.execPath, [path.join('scripts', 'ensure-chromium.mjs')], { stdio: 'inherit' });
  if (browser.status !== 0) process.exit(browser.status ?? 1);
}
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
