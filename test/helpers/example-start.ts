// The example host started as `npm start` starts it (the migration, then the host), in child
// processes: for the tests of concurrent start-up and of a start-up that fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const START_TIMEOUT_MS = 240_000;

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one TypeScript entry point (scripts/migrate.ts, example-app/src/main.ts) to its end. */
export async function runEntry(entry: string, env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number } = {}): Promise<Finished> {
  const child = spawnEntry(entry, env, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

function spawnEntry(entry: string, env: NodeJS.ProcessEnv, options: { uid?: number; gid?: number } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, PORT: '0', JOBS_INTERVAL_MS: '3600000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
}

export interface StartedHost {
  base: string;
  child: ChildProcess;
  /** Everything the migration and the host printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `npm start` without the build: migrates DATABASE_URL, then starts the host on a free port. */
export async function startExample(env: NodeJS.ProcessEnv): Promise<StartedHost> {
  const migration = await runEntry(path.join('scripts', 'migrate.ts'), env);
  if (migration.code !== 0) throw new Error(`the migration exited with ${migration.code}: ${migration.stdout}${migration.stderr}`);
  const child = spawnEntry(path.join('example-app', 'src', 'main.ts'), env);
  let output = migration.stdout + migration.stderr;
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host did not start in ${START_TIMEOUT_MS / 1000} s: ${output}`)), START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code}: ${output}`));
    });
    const poll = setInterval(() => {
      const found = /Admin panel: +http:\/\/localhost:(\d+)\/admin/.exec(output);
      if (found) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    }, 20);
    child.once('exit', () => clearInterval(poll));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Starts `count` hosts at once; if any fails, stops the others and throws its reason. */
export async function startExamples(count: number, env: NodeJS.ProcessEnv): Promise<StartedHost[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => startExample(env)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((host) => host.stop()));
    throw failed.reason;
  }
  return started;
}

/** Signs in as the seeded super admin through the panel's form; the session cookie, or null if refused. */
export async function signInSuperAdmin(base: string): Promise<string | null> {
  const { email, password } = SEEDED_SIGN_INS[0];
  const login = await fetch(`${base}/admin/login`, {
    method: 'POST',
    // The Origin a browser sends with the panel's sign-in form: the host refuses a POST without it.
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: 'manual',
  });
  await login.arrayBuffer();
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  return login.status === 302 && cookie ? cookie : null;
}

/** Signs in as the seeded super admin and checks the session opens the token list. */
export async function signInWorks(base: string): Promise<boolean> {
  const cookie = await signInSuperAdmin(base);
  if (!cookie) return false;
  const list = await fetch(`${base}/admin/api/resources/ApiToken/actions/list`, { headers: { cookie }, redirect: 'manual' });
  const body = (await list.json().catch(() => ({}))) as { records?: unknown[] };
  return list.status === 200 && Array.isArray(body.records);
}

/** What one seed leaves: two admins (one super admin), three roles, three tokens. */
export const ONE_SEED = { superAdmins: 1, admins: 1, roles: 3, tokens: 3 };
