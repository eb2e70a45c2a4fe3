// node-postgres (`pg`), an optional peer dependency: loaded only where a feature that needs it is
// used (the change feed, the PostgreSQL request-log worker), and typed by the parts used here, so
// that the package builds without pg's types installed.

export interface PgQuery {
  /** Given, the statement is prepared once per connection under this name and reused. */
  name?: string;
  text: string;
  values?: unknown[];
}

export interface PgClient {
  connect(): Promise<unknown>;
  query(text: string | PgQuery, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export interface PgClientOptions {
  connectionString: string;
  /** How long connect() may take, ms (pg's default: no limit). */
  connectionTimeoutMillis?: number;
  /** How long a query may wait for its answer before it fails here, ms (pg's default: no limit). */
  query_timeout?: number;
  /** TCP keep-alive, so that a connection whose peer vanished is noticed. */
  keepAlive?: boolean;
  application_name?: string;
}

export type PgModule = { Client: new (options: PgClientOptions) => PgClient };

export async function loadPg(): Promise<PgModule> {
  const name = 'pg'; // a variable, so that the package builds without pg's types installed
  const mod = (await import(name)) as { default?: PgModule } & PgModule;
  return mod.default ?? mod;
}
