// Makes sure PostgreSQL's server binaries (initdb, pg_ctl) are installed for the PostgreSQL test
// runs. Uses Debian's `postgresql` package; on a fresh Debian machine this installs it with
// apt-get (root or passwordless sudo). Set PG_BIN to a folder holding initdb and pg_ctl to skip.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const log = (message) => console.log(`[ensure-postgres] ${message}`);
function fail(message) {
  console.error(`[ensure-postgres] ${message}`);
  console.error(
    '[ensure-postgres] The PostgreSQL tests need initdb and pg_ctl. Install them yourself (as root: `apt-get update && apt-get install -y postgresql`)' +
      ' or set PG_BIN to the folder holding them, then run the tests again.',
  );
  process.exit(1);
}

/** The folder holding initdb and pg_ctl, or null. */
export function findPgBin() {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

function install() {
  if (process.env.PG_BIN) fail(`PG_BIN is set to ${process.env.PG_BIN}, but it holds no initdb.`);
  if (process.platform !== 'linux') fail('PostgreSQL is missing, and installing it automatically is only done on Debian-like Linux.');
  const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
  if (!which('apt-get')) fail('PostgreSQL is missing and apt-get is not available to install it.');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let prefix = [];
  if (!isRoot) {
    if (which('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0) prefix = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
    else fail('PostgreSQL is missing, and installing it with apt-get needs root (or passwordless sudo).');
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', 'postgresql'],
  ]) {
    const argv = [...prefix, ...args];
    log(`PostgreSQL is missing: running \`${argv.join(' ')}\``);
    const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
    if (result.error) fail(`Could not run ${argv[0]}: ${result.error.message}`);
    if (result.status !== 0) fail(`\`${argv.join(' ')}\` failed with exit code ${result.status ?? `signal ${result.signal}`}.`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let bin = findPgBin();
  if (!bin) {
    install();
    bin = findPgBin();
    if (!bin) fail('apt-get installed postgresql, but initdb and pg_ctl are still not found under /usr/lib/postgresql.');
    log(`Installed PostgreSQL (${bin}).`);
  } else log(`PostgreSQL is installed (${bin}).`);
}
