// Figure 4: request logging loses no row. 100,000 authenticated requests, a graceful shutdown
// (SIGTERM, as a process manager sends it), then the rows in the database are counted, and the
// requests the usage rollups counted (per token and day, and per day) must equal them.
import type { Request } from 'autocannon';
import { apiDatabase, type Provider } from './lib/dataset.js';
import { load } from './lib/load.js';
import { log, type Figure } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';

const REQUESTS = 100_000;
const TOKENS = 100;

export async function run(provider: Provider = 'sqlite'): Promise<Figure[]> {
  const { db, secrets } = await apiDatabase(TOKENS, provider);
  const server = await ServerProcess.start('api-server.ts', { DATABASE_URL: db.url });
  let stopped = false;
  try {
    const requests: Request[] = secrets.map((secret) => ({ method: 'GET', path: '/api/vaults', headers: { authorization: `Bearer ${secret}` } }));
    log(`log-loss (${provider}): ${REQUESTS} requests over ${TOKENS} tokens, then SIGTERM`);
    const started = performance.now();
    const result = await load({ url: server.baseUrl, amount: REQUESTS, requests });
    const seconds = (performance.now() - started) / 1000;
    const final = await server.shutdown();
    stopped = true;
    const counts = await db.counts();
    const authenticated = final.handled.protected ?? 0;
    const rollupsHold = counts.rollupRequests === counts.rows && counts.rollupDays === counts.rows;
    return [
      {
        name: `4 request-log rows after 100k requests + SIGTERM${provider === 'postgres' ? ' (PostgreSQL)' : ''}`,
        value: counts.rows,
        baseline: authenticated,
        unit: 'rows',
        baselineLabel: 'authenticated requests',
        ratio: authenticated > 0 ? counts.rows / authenticated : null,
        target: 'rows = requests = rollup counts',
        pass: counts.rows === authenticated && authenticated === result.ok && result.ok === REQUESTS && rollupsHold,
        notes: [
          `4${provider === 'postgres' ? ' (PostgreSQL)' : ''}: ${result.total} responses in ${seconds.toFixed(1)} s (${result.ok} 2xx, ${result.non2xx} other, ${result.errors} errors); the server admitted ${authenticated}; ${counts.tokens} tokens in the log; writer: ${final.requestLog.written} written, ${final.requestLog.dropped} dropped, ${final.requestLog.buffered} left; usage rollups count ${counts.rollupRequests} requests per token and day, ${counts.rollupDays} per day`,
        ],
      },
    ];
  } finally {
    if (!stopped) await server.shutdown().catch(() => server.kill());
    await db.remove();
  }
}
