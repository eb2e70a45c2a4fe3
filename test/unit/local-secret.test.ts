import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadOrCreateSecret } from '../../example-app/src/local-secret.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const quiet = () => undefined;

/**
 * A process that loads or creates the secret in `dir` once `go` exists (so that all of them call it
 * at the same moment), then prints it with how often it logged a generation.
 */
async function inProcess(dir: string, go: string, ready: () => void): Promise<{ secret: string; logged: number }> {
  const script = `import { existsSync } from 'node:fs';
import { loadOrCreateSecret } from './example-app/src/local-secret.ts';
console.log('ready');
while (!existsSync(${JSON.stringify(go)}));
let logged = 0;
const secret = loadOrCreateSecret('API_ACCESS_PEPPER', ${JSON.stringify(dir)}, () => logged++, {});
console.log(JSON.stringify({ secret, logged }));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (out === '' && chunk.toString().startsWith('ready')) ready();
    out += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0);
  return JSON.parse(out.replace(/^ready\n/, '')) as { secret: string; logged: number };
}

describe('loadOrCreateSecret', () => {
  it('takes the environment variable when it is set, and writes nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secret-'));
    try {
      assert.equal(loadOrCreateSecret('SESSION_SECRET', dir, quiet, { SESSION_SECRET: 'from-env' }), 'from-env');
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates a secret once, keeps it with mode 600, and reads it back afterwards', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'data');
    try {
      const first = loadOrCreateSecret('SESSION_SECRET', dir, quiet, {});
      assert.match(first, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(statSync(path.join(dir, 'session_secret')).mode & 0o777, 0o600);
      assert.equal(loadOrCreateSecret('SESSION_SECRET', dir, quiet, {}), first);
      assert.deepEqual(readdirSync(dir), ['session_secret'], 'no temporary file left');
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('refuses an empty secret file with what to do', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'secret-'));
    try {
      writeFileSync(path.join(dir, 'session_secret'), '\n');
      assert.throws(() => loadOrCreateSecret('SESSION_SECRET', dir, quiet, {}), /session_secret is empty: delete it .* or set SESSION_SECRET/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('six processes generating it at once on one data folder end up with one secret', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'data');
    try {
      const go = path.join(path.dirname(dir), 'go');
      let readyCount = 0;
      const results = await Promise.all(Array.from({ length: 6 }, () => inProcess(dir, go, () => ++readyCount === 6 && writeFileSync(go, ''))));
      const stored = readFileSync(path.join(dir, 'api_access_pepper'), 'utf8').trim();
      assert.deepEqual(new Set(results.map((r) => r.secret)), new Set([stored]));
      assert.equal(
        results.reduce((sum, r) => sum + r.logged, 0),
        1,
        'one of them generated it',
      );
      assert.deepEqual(readdirSync(dir), ['api_access_pepper'], 'no temporary file left');
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
