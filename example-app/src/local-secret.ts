import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret from the environment or, without one, made on first run and kept (mode 600) beside
 * the database so that tokens and sign-ins keep working across restarts. A production host
 * keeps the pepper and session secret in a secrets manager, never beside the database.
 *
 * Several processes starting at once on one data folder end up with the same secret: each writes
 * its candidate to a file of its own, then hard-links it to the shared name, which only the first
 * link creates (the name appears with its whole content, never half-written); every process then
 * reads the shared file.
 */
export function loadOrCreateSecret(envName: string, dataDir: string, log: (message: string) => void, env = process.env): string {
  const fromEnv = env[envName];
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, envName.toLowerCase());
  const existing = readSecret(file);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const candidate = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(candidate, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(candidate, file);
    log(`No ${envName} set: generated one and saved it to ${file}. Set ${envName} in production.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(candidate);
  }
  const secret = readSecret(file);
  if (!secret) throw new Error(`${file} is empty: delete it (a new ${envName} is then generated) or set ${envName}.`);
  return secret;
}

function readSecret(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
