import { EventEmitter } from 'node:events';

/**
 * What happened to a token's secret. Verification caches listen, so that a token deleted,
 * disabled, rotated or regenerated here is refused on the very next request in this process.
 */
export interface TokenChange {
  tokenId: string;
  kind: 'created' | 'rotated' | 'regenerated' | 'edited' | 'enabled' | 'disabled' | 'deleted';
}

export class TokenEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit(change: TokenChange): void {
    this.emitter.emit('change', change);
  }

  onChange(listener: (change: TokenChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
