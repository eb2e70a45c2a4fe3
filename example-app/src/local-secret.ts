import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret from the environment or, without one, made on first run and kept (mode 600) beside
 * the database so that tokens and sign-ins keep working across restarts. A production host
 * keeps the pepper and session secret in a secrets manager, never beside the database.
 */
export function loadOrCreateSecret(envName: string, dataDir: string, log: (message: string) => void, env = process.env): string {
  const fromEnv = env[envName];
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, envName.toLowerCase());
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  log(`No ${envName} set: generated one and saved it to ${file}. Set ${envName} in production.`);
  return secret;
}
