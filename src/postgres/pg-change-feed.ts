import type { ChangeFeed } from '../core/change-feed.js';
import type { TokenChange } from '../core/events.js';
import type { Logger } from '../core/types.js';
import { loadPg, type PgClient } from './pg.js';

export interface PgChangeFeedOptions {
  url: string;
  channel: string;
  logger: Logger;
  /** Reconnection delays grow from this to maxBackoffMs (defaults 100 ms and 5 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The change feed on PostgreSQL's LISTEN/NOTIFY: no extra server. Each change is sent with
 * `SELECT pg_notify(channel, tokenId)` after its commit; every process LISTENs on one dedicated
 * connection. When that connection drops, the feed reports a reset (the verifier empties its cache,
 * because notifications may have been missed) and reconnects with backoff, reporting a reset again
 * once it listens. A notification that is lost anyway is covered by the verifier's cache TTL.
 */
export class PgChangeFeed implements ChangeFeed {
  private listener: PgClient | null = null;
  private publisher: PgClient | null = null;
  private publisherConnecting: Promise<PgClient> | null = null;
  private handlers: { onChange(tokenId: string): void; onReset(): void } | null = null;
  private closed = false;
  private backoffMs: number;
  private retry: NodeJS.Timeout | null = null;
  private listening: Promise<void>;
  private markListening: () => void = () => undefined;

  constructor(private readonly options: PgChangeFeedOptions) {
    this.backoffMs = options.minBackoffMs ?? 100;
    this.listening = new Promise((resolve) => (this.markListening = resolve));
  }

  start(handlers: { onChange(tokenId: string): void; onReset(): void }): void {
    this.handlers = handlers;
    void this.connect();
  }

  ready(): Promise<void> {
    return this.listening;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let client: PgClient | null = null;
    try {
      const pg = await loadPg();
      client = new pg.Client({ connectionString: this.options.url });
      client.on('error', (error) => this.lost(client!, error));
      client.on('end', () => this.lost(client!));
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === this.options.channel && message.payload) this.handlers?.onChange(message.payload);
      });
      await client.query(`LISTEN "${this.options.channel}"`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.backoffMs = this.options.minBackoffMs ?? 100;
      // Changes made while this process was not listening were missed.
      this.handlers?.onReset();
      this.markListening();
    } catch (error) {
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        void client.end().catch(() => undefined);
      }
      this.scheduleReconnect(error);
    }
  }

  private lost(client: PgClient, error?: Error): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.handlers?.onReset();
    if (!this.closed) this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: unknown): void {
    if (this.closed || this.retry) return;
    this.options.logger.warn(
      `[api-access] the token change feed is not listening; retrying in ${this.backoffMs} ms (cached verifications are dropped meanwhile)`,
      error instanceof Error ? error.message : (error ?? ''),
    );
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.backoffMs);
    this.retry.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5_000);
  }

  private async publishingClient(): Promise<PgClient> {
    if (this.publisher) return this.publisher;
    this.publisherConnecting ??= (async () => {
      const pg = await loadPg();
      const client = new pg.Client({ connectionString: this.options.url });
      // Keeps an 'error' listener: an unhandled one would crash the host.
      const drop = () => {
        if (this.publisher === client) this.publisher = null;
      };
      client.on('error', drop);
      client.on('end', drop);
      await client.connect();
      this.publisher = client;
      return client;
    })().finally(() => (this.publisherConnecting = null));
    return this.publisherConnecting;
  }

  async publish(change: TokenChange): Promise<void> {
    if (this.closed) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const client = await this.publishingClient();
        await client.query('SELECT pg_notify($1, $2)', [this.options.channel, change.tokenId]);
        return;
      } catch (error) {
        const client = this.publisher;
        this.publisher = null;
        if (client) void client.end().catch(() => undefined);
        if (attempt === 1) {
          this.options.logger.warn(
            '[api-access] could not tell other processes about a token change; they refuse the old secret once their cache expires',
            error instanceof Error ? error.message : error,
          );
        }
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const clients = [this.listener, this.publisher, await this.publisherConnecting?.catch(() => null)].filter((c): c is PgClient => !!c);
    this.listener = null;
    this.publisher = null;
    await Promise.all(
      clients.map(async (c) => {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }),
    );
  }
}
