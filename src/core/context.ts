import type { AccessOptions } from './access.js';
import type { TokenChange, TokenEvents } from './events.js';
import { hashToken } from './hashing.js';
import type { Policy } from './policy.js';
import type { TokenRecord, TokenStore } from './store.js';
import { generateToken, lastFourOf } from './token-format.js';
import { toTokenView } from './token-view.js';
import type { Clock, TokenView, UserDirectory } from './types.js';

/** What every operation on tokens, roles and grants is given: the store and the deployment's settings. */
export interface TokenServiceDeps {
  store: TokenStore;
  pepper: string;
  tokenPrefix: string;
  policy: Policy;
  users: UserDirectory;
  access: AccessOptions;
  clock: Clock;
  events: TokenEvents;
}

/** A token record as callers see it, at `now`. */
export function viewOf(deps: TokenServiceDeps, record: TokenRecord, now: Date): TokenView {
  return toTokenView(record, deps.tokenPrefix, now);
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
