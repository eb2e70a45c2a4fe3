// A throw-away PostgreSQL cluster for the tests: initdb in a temp folder, trust authentication,
// listening on 127.0.0.1 and a free port, its unix socket inside the folder. initdb refuses to
// run as root, so as root the cluster runs as the `postgres` system user.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findPgBin } from './ensure-postgres.mjs';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function userOf() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const id = (flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a cluster; returns its superuser URL (database "postgres") and a stop() that deletes it. */
export async function startCluster() {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL is not installed: run node scripts/ensure-postgres.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'api-access-pg-'));
  const user = userOf();
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const run = (args) => {
    const argv = user ? ['runuser', '-u', 'postgres', '--', ...args] : args;
    const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`\`${args.join(' ')}\` failed: ${result.stderr || result.stdout}`);
  };
  const data = path.join(dir, 'data');
  run([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  run([path.join(bin, 'pg_ctl'), '-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
