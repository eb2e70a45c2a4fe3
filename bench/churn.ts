// Figure 3: 1,000 distinct valid tokens in rotation (cache churn: each one loaded, cached,
// expired after the cache TTL and loaded again) mixed with 10% invalid tokens, against the same
// requests to the route with no authentication.
import type { Request } from 'autocannon';
import { apiDatabase, type Provider, malformedTokens, unknownTokens, wrongChecksumTokens } from './lib/dataset.js';
import { compare, cpuSummary, load, withServerCpu, type LoadResult } from './lib/load.js';
import { log, type Figure } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';

const VALID = 1_000;
const ROUNDS = 20;
const ROUND_SECONDS = 2;

export async function run(provider: Provider = 'sqlite'): Promise<Figure[]> {
  const { db, secrets } = await apiDatabase(VALID, provider);
  // 10% of all requests invalid: a third malformed, a third with a wrong checksum (both refused
  // without the database), a third well-formed but unknown (one query each, then cached as unknown).
  const invalidCount = Math.round(VALID / 9);
  const perKind = Math.ceil(invalidCount / 3);
  const invalid = [...malformedTokens(perKind), ...wrongChecksumTokens(perKind), ...unknownTokens(perKind)].slice(0, invalidCount);
  // Interleave: after every 9 valid tokens, one invalid one.
  const tokens: string[] = [];
  let next = 0;
  secrets.forEach((secret, i) => {
    tokens.push(secret);
    if (i % 9 === 8 && next < invalid.length) tokens.push(invalid[next++]!);
  });
  while (next < invalid.length) tokens.push(invalid[next++]!);
  const requests = (path: string): Request[] => tokens.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } }));
  const invalidShare = invalid.length / tokens.length;

  const server = await ServerProcess.start('api-server.ts', { DATABASE_URL: db.url });
  try {
    const url = server.baseUrl;
    const open = () => withServerCpu(server, () => load({ url, duration: ROUND_SECONDS, requests: requests('/open/vaults') }));
    const guarded = () => withServerCpu(server, () => load({ url, duration: ROUND_SECONDS, requests: requests('/api/vaults') }));
    log(
      `churn: ${secrets.length} valid + ${invalid.length} invalid tokens (${(invalidShare * 100).toFixed(1)}%), ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s`,
    );
    const before = await server.stats();
    // No warm-up of the protected route: the first round starts with a cold cache.
    const result = await compare(open, guarded, ROUNDS, async () => {
      await load({ url, duration: 2, requests: requests('/open/vaults') });
    });
    const after = await server.stats();
    const sum = (runs: LoadResult[], key: 'total' | 'non2xx' | 'errors' | 'timeouts') => runs.reduce((n, r) => n + r[key], 0);
    const total = sum(result.subject, 'total');
    const refusedShare = sum(result.subject, 'non2xx') / total;
    const failures = sum(result.subject, 'errors') + sum(result.subject, 'timeouts');
    const rounds = (runs: LoadResult[]) => runs.map((r) => Math.round(r.rps)).join(', ');
    // Every invalid token must be refused, every valid one admitted: the refused share matches the mix.
    const mixHeld = Math.abs(refusedShare - invalidShare) < 0.02 && failures === 0;
    return [
      {
        name: `3 churn: 1,000 tokens + 10% invalid${provider === 'postgres' ? ' (PostgreSQL)' : ''}`,
        value: result.subjectRps,
        baseline: result.baselineRps,
        unit: 'req/s',
        baselineLabel: 'same requests, no auth',
        ratio: result.ratio,
        target: 'ratio ≥ 0.80',
        pass: result.ratio >= 0.8 && mixHeld,
        notes: [
          `3: protected rounds ${rounds(result.subject)} req/s; open rounds ${rounds(result.baseline)} req/s`,
          `3: ${(refusedShare * 100).toFixed(1)}% of protected responses refused (401), ${failures} errors; ${after.queries - before.queries} database statements for ${total} protected requests (cache TTL 10 s)`,
          ...(cpuSummary(result.subject)
            ? [`3: server CPU per request (medians): protected ${cpuSummary(result.subject)}; open ${cpuSummary(result.baseline)}`]
            : []),
        ],
      },
    ];
  } finally {
    await server.shutdown().catch(() => server.kill());
    await db.remove();
  }
}
