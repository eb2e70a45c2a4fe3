// Figure 4: request logging loses no row. 100,000 authenticated requests, a graceful shutdown
// (SIGTERM, as a process manager sends it), then the rows in the database are counted.
import Database from 'better-sqlite3';
import type { Request } from 'autocannon';
import { apiDatabase } from './lib/dataset.js';
import { load } from './lib/load.js';
import { log, type Figure } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';

const REQUESTS = 100_000;
const TOKENS = 100;

export async function run(): Promise<Figure[]> {
  const { db, secrets } = apiDatabase(TOKENS);
  const server = await ServerProcess.start('api-server.ts', { DATABASE_URL: db.url });
  let stopped = false;
  try {
    const requests: Request[] = secrets.map((secret) => ({ method: 'GET', path: '/api/vaults', headers: { authorization: `Bearer ${secret}` } }));
    log(`log-loss: ${REQUESTS} requests over ${TOKENS} tokens, then SIGTERM`);
    const started = performance.now();
    const result = await load({ url: server.baseUrl, amount: REQUESTS, requests });
    const seconds = (performance.now() - started) / 1000;
    const final = await server.shutdown();
    stopped = true;
    const sqlite = new Database(db.file, { readonly: true });
    const rows = (sqlite.prepare('SELECT COUNT(*) AS n FROM "ApiRequestLog"').get() as { n: number }).n;
    const perToken = sqlite.prepare('SELECT COUNT(DISTINCT "tokenId") AS n FROM "ApiRequestLog"').get() as { n: number };
    sqlite.close();
    const authenticated = final.handled.protected ?? 0;
    return [
      {
        name: '4 request-log rows after 100k requests + SIGTERM',
        value: rows,
        baseline: authenticated,
        unit: 'rows',
        baselineLabel: 'authenticated requests',
        ratio: authenticated > 0 ? rows / authenticated : null,
        target: 'rows = requests',
        pass: rows === authenticated && authenticated === result.ok && result.ok === REQUESTS,
        notes: [
          `4: ${result.total} responses in ${seconds.toFixed(1)} s (${result.ok} 2xx, ${result.non2xx} other, ${result.errors} errors); the server admitted ${authenticated}; ${perToken.n} tokens in the log; writer: ${final.requestLog.written} written, ${final.requestLog.dropped} dropped, ${final.requestLog.buffered} left`,
        ],
      },
    ];
  } finally {
    if (!stopped) await server.shutdown().catch(() => server.kill());
    db.remove();
  }
}
