import type { Prisma, PrismaClient } from '@prisma/client';
import type { AccessOptions } from './access.js';
import type { TokenChange, TokenEvents } from './events.js';
import { hashToken } from './hashing.js';
import type { Policy } from './policy.js';
import { generateToken, lastFourOf } from './token-format.js';
import { toTokenView, type TokenRow } from './token-view.js';
import type { Clock, TokenView, UserDirectory } from './types.js';

/** What every operation on tokens, roles and grants is given: the database and the deployment's settings. */
export interface TokenServiceDeps {
  prisma: PrismaClient;
  pepper: string;
  tokenPrefix: string;
  policy: Policy;
  users: UserDirectory;
  access: AccessOptions;
  clock: Clock;
  events: TokenEvents;
}

export type Tx = Prisma.TransactionClient;

/** A token row as callers see it, at `now`. */
export function viewOf(deps: TokenServiceDeps, row: TokenRow, now: Date): TokenView {
  return toTokenView(row, deps.tokenPrefix, now);
}

/** A new secret and what is stored of it: its hash and its last four characters. */
export function issueSecret(deps: TokenServiceDeps): { secret: string; secretHash: string; lastFour: string } {
  const secret = generateToken(deps.tokenPrefix);
  return { secret, secretHash: hashToken(deps.pepper, secret), lastFour: lastFourOf(secret) };
}

/** Tells the verification caches (and the change feed) that a token changed; called after the commit. */
export function notify(deps: TokenServiceDeps, tokenId: string, kind: TokenChange['kind']): void {
  deps.events.emit({ tokenId, kind });
}
