// Figure 1: throughput of the sample route behind requireApiToken (valid token, request logging
// on) against the same route with no authentication, on the same server in one run.
import { apiDatabase, type Provider } from './lib/dataset.js';
import { compare, cpuSummary, load, withServerCpu, type LoadResult } from './lib/load.js';
import { log, type Figure } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';

// Many short alternating rounds: on a shared virtual machine the speed drifts by 20% and more
// within seconds, and the median of many back-to-back pairs is what stays put between runs.
export const ROUNDS = 20;
export const ROUND_SECONDS = 2;

export async function run(provider: Provider = 'sqlite'): Promise<Figure[]> {
  const { db, secrets } = await apiDatabase(1, provider);
  const server = await ServerProcess.start('api-server.ts', { DATABASE_URL: db.url });
  try {
    // Both routes get the same request, header included: only the middleware differs.
    const headers = { authorization: `Bearer ${secrets[0]}` };
    const open = () => withServerCpu(server, () => load({ url: `${server.baseUrl}/open/vaults`, duration: ROUND_SECONDS, headers }));
    const guarded = () => withServerCpu(server, () => load({ url: `${server.baseUrl}/api/vaults`, duration: ROUND_SECONDS, headers }));
    log(`throughput: ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per route`);
    const result = await compare(open, guarded, ROUNDS, async () => {
      await load({ url: `${server.baseUrl}/open/vaults`, duration: 2, headers });
      await load({ url: `${server.baseUrl}/api/vaults`, duration: 2, headers });
    });
    const refused = result.subject.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const stats = await server.stats();
    const rounds = (runs: LoadResult[]) => runs.map((r) => Math.round(r.rps)).join(', ');
    return [
      {
        name: `1 API throughput, valid token + request log${provider === 'postgres' ? ' (PostgreSQL)' : ''}`,
        value: result.subjectRps,
        baseline: result.baselineRps,
        unit: 'req/s',
        baselineLabel: 'same route, no auth',
        ratio: result.ratio,
        target: 'ratio ≥ 0.90',
        pass: result.ratio >= 0.9 && refused === 0,
        notes: [
          `1: protected rounds ${rounds(result.subject)} req/s; open rounds ${rounds(result.baseline)} req/s; ratio = median of per-round ratios`,
          `1: ${refused} protected responses were not 2xx or failed; ${stats.requestLog.written} request-log rows written so far, ${stats.requestLog.dropped} dropped`,
          ...(cpuSummary(result.subject)
            ? [`1: server CPU per request (medians): protected ${cpuSummary(result.subject)}; open ${cpuSummary(result.baseline)}`]
            : []),
        ],
      },
    ];
  } finally {
    await server.shutdown().catch(() => server.kill());
    await db.remove();
  }
}
