import { createHmac } from 'node:crypto';

export const MIN_PEPPER_LENGTH = 32;

/**
 * A keyed hash, so that a stolen database alone cannot confirm a guessed token. The secret has
 * 130 bits of entropy, so one HMAC round is enough: no slow password hash is needed, and
 * verification stays cheap.
 */
export function hashToken(pepper: string, token: string): string {
  return createHmac('sha256', pepper).update(token).digest('hex');
}
