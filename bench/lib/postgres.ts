// PostgreSQL for the benchmarks: the throw-away cluster the tests use (scripts/pg-cluster.mjs),
// started on first use and stopped when the bench ends; a fresh migrated database per figure.
import { startCluster } from '../../scripts/pg-cluster.mjs';
import { createPostgresDatabase, pg, type PgClient } from '../../test/helpers/postgres.js';
import { log } from './report.js';

let cluster: Promise<{ url: string; dir: string; stop(): void }> | undefined;

function benchCluster(): Promise<{ url: string; dir: string; stop(): void }> {
  cluster ??= startCluster().then((started) => {
    log(`PostgreSQL cluster at ${started.url}`);
    process.once('exit', () => started.stop());
    return started;
  });
  return cluster;
}

/** Stops the cluster, if one was started. */
export async function stopBenchCluster(): Promise<void> {
  if (cluster) (await cluster).stop();
  cluster = undefined;
}

/** A fresh database with the PostgreSQL migrations applied. */
export async function freshPostgresDatabase(): Promise<{ url: string; remove(): Promise<void> }> {
  return createPostgresDatabase((await benchCluster()).url);
}

/** A connected node-postgres client on `url`; end() it when done. */
export async function pgClient(url: string): Promise<PgClient> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
