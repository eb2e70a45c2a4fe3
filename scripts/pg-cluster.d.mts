/** Starts a throw-away PostgreSQL cluster (see pg-cluster.mjs). */
export function startCluster(): Promise<{ url: string; dir: string; stop(): void }>;
