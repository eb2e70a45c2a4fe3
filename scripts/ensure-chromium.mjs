// Makes sure the browser the browser tests drive is installed. The tests use playwright-core with
// Debian's `chromium` package (/usr/bin/chromium), because a Playwright browser download is not
// available everywhere (e.g. machines that can only reach the npm registry and Debian mirrors).
// On a fresh Debian machine this installs it with apt-get; it needs root (or passwordless sudo).
// Set CHROMIUM_PATH to use another Chromium binary and skip the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const browser = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const log = (message) => console.log(`[ensure-chromium] ${message}`);

function fail(message) {
  console.error(`[ensure-chromium] ${message}`);
  console.error(
    '[ensure-chromium] The browser tests need Chromium. Install it yourself (as root: `apt-get update && apt-get install -y chromium`)' +
      ' or set CHROMIUM_PATH to a Chromium binary, then run the tests again.',
  );
  process.exit(1);
}

if (existsSync(browser)) {
  log(`${browser} is installed.`);
  process.exit(0);
}
if (process.env.CHROMIUM_PATH) fail(`CHROMIUM_PATH is set to ${browser}, but there is no such file.`);
if (process.platform !== 'linux') fail(`${browser} is missing, and installing it automatically is only done on Debian-like Linux.`);

const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
if (!which('apt-get')) fail(`${browser} is missing and apt-get is not available to install it.`);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let prefix = [];
if (!isRoot) {
  if (which('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0) prefix = ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  else fail(`${browser} is missing, and installing it with apt-get needs root (or passwordless sudo).`);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
function run(args) {
  const argv = [...prefix, ...args];
  log(`${browser} is missing: running \`${argv.join(' ')}\``);
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
  if (result.error) fail(`Could not run ${argv[0]}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${argv.join(' ')}\` failed with exit code ${result.status ?? `signal ${result.signal}`}.`);
}

run(['apt-get', 'update']);
run(['apt-get', 'install', '-y', 'chromium']);

if (!existsSync(browser)) fail(`apt-get installed the chromium package, but ${browser} still does not exist.`);
log(`Installed ${browser}.`);
