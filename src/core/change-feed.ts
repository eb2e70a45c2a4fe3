import type { TokenChange } from './events.js';

/**
 * Carries token changes between processes that share one database, so that a token deleted,
 * disabled, rotated or regenerated through one host is refused by every other host at once.
 * A feed that loses its connection must report it (onReset), because changes may have been
 * missed meanwhile: the verifier then drops its whole cache.
 */
export interface ChangeFeed {
  /** Starts listening. onChange: another process (or this one) changed a token; onReset: changes may have been missed. */
  start(handlers: { onChange(tokenId: string): void; onReset(): void }): void;
  /** Tells every other process; called after the change is committed. Must not throw. */
  publish(change: TokenChange): Promise<void>;
  /** Resolves once the feed listens (for tests and readiness checks). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
