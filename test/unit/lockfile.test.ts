// The lockfile is complete: npm resolving package.json against it changes nothing, so `npm install`
// on a fresh clone leaves `git status` clean. npm runs in a copy of the two files, with
// --package-lock-only (no node_modules, no install scripts), and its lockfile must equal ours byte
// for byte.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);

describe('package-lock.json', () => {
  it('is what npm install writes for package.json: a fresh clone stays clean', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lockfile-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(file, path.join(dir, file));
      await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, timeout: 110_000 });
      const ours = readFileSync('package-lock.json', 'utf8');
      const npms = readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
      if (ours !== npms) {
        const a = ours.split('\n');
        const b = npms.split('\n');
        const line = a.findIndex((l, i) => l !== b[i]);
        assert.fail(
          `npm install would rewrite package-lock.json (first difference at line ${line + 1}: ours ${JSON.stringify(a[line])}, npm's ${JSON.stringify(b[line])}). Run npm install and commit the lockfile.`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
