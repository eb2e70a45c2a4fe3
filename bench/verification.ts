// Figure 2: one verification in-process, through the package's own assembly (createApiAccess):
// warm (cached) p99, cold (cache miss, SQLite) p99, and malformed or wrong-checksum tokens
// refused without a database query, counted at the driver adapter.
import Database from 'better-sqlite3';
import { PrismaClient } from '@prisma/client';
import { createApiAccess, hashToken, type VerifyResult } from 'adminjs-api-access';
import { countingSqliteAdapter, type QueryCounter } from '../test/helpers/counting-adapter.js';
import { apiDatabase, BENCH_PEPPER, malformedTokens, unknownTokens, wrongChecksumTokens } from './lib/dataset.js';
import { log, percentile, type Figure } from './lib/report.js';

const WARM_CALLS = 200_000;
const COLD_TOKENS = 5_000;
const WARM_UP_TOKENS = 500;
const BAD_TOKENS = 10_000;
const IP = '203.0.113.9';

/** Runs `run` on each item in turn and returns how long each call took (ms); `check` sees each result, untimed. */
async function timeEach<T, R>(items: readonly T[], run: (item: T) => R | Promise<R>, check?: (result: R) => void): Promise<number[]> {
  const times: number[] = [];
  for (const item of items) {
    const started = performance.now();
    const value = run(item);
    // A synchronous call is timed without the microtask an await would add.
    const result = value instanceof Promise ? await value : value;
    times.push(performance.now() - started);
    check?.(result);
  }
  return times;
}

export async function run(): Promise<Figure[]> {
  const { db, secrets } = await apiDatabase(COLD_TOKENS + WARM_UP_TOKENS + 1);
  const queries: QueryCounter = { count: 0 };
  const prisma = new PrismaClient({ adapter: countingSqliteAdapter(db.url, queries) });
  const access = createApiAccess({
    prisma,
    pepper: BENCH_PEPPER,
    users: { findById: async () => null },
    requestLog: { enabled: false },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  const verifier = access.verifier;
  const raw = new Database(db.url.replace(/^file:/, ''), { readonly: true });
  try {
    const expectOk = (result: VerifyResult) => {
      if (!result.ok) throw new Error(`a valid token was refused: ${result.reason}`);
    };

    // Warm: one token, cached after its first verification.
    const warmSecret = secrets[0]!;
    expectOk(await verifier.verify(warmSecret, IP));
    for (let i = 0; i < 20_000; i++) await verifier.verify(warmSecret, IP);
    const queriesBeforeWarm = queries.count;
    const warm = new Float64Array(WARM_CALLS);
    for (let i = 0; i < WARM_CALLS; i++) {
      const started = performance.now();
      const result = await verifier.verify(warmSecret, IP);
      warm[i] = performance.now() - started;
      if (!result.ok) throw new Error('the warm token was refused');
    }
    const warmQueries = queries.count - queriesBeforeWarm;
    // Its reference: the stored keyed hash (HMAC-SHA256) alone. A cached verification computes
    // only its inner half (the cache key), so it can come close to this.
    const hmac = new Float64Array(WARM_CALLS);
    for (let i = 0; i < WARM_CALLS; i++) {
      const started = performance.now();
      hashToken(BENCH_PEPPER, warmSecret);
      hmac[i] = performance.now() - started;
    }
    const warmP99 = percentile(Array.from(warm), 99) * 1000;
    const hmacP99 = percentile(Array.from(hmac), 99) * 1000;
    log(`verification: warm p99 ${warmP99.toFixed(1)} µs over ${WARM_CALLS} calls`);

    // Cold: tokens never seen by this process, each one a cache miss and a query.
    for (const secret of secrets.slice(1, 1 + WARM_UP_TOKENS)) expectOk(await verifier.verify(secret, IP));
    const coldSecrets = secrets.slice(1 + WARM_UP_TOKENS);
    const queriesBeforeCold = queries.count;
    const cold = await timeEach(coldSecrets, (secret) => verifier.verify(secret, IP), expectOk);
    const coldQueries = queries.count - queriesBeforeCold;
    // Its floor: the same lookup by hash straight through better-sqlite3, with no Prisma.
    const lookup = raw.prepare('SELECT * FROM "ApiToken" WHERE "secretHash" = ? OR "previousSecretHash" = ?');
    const direct = await timeEach(coldSecrets, (secret) => {
      const hash = hashToken(BENCH_PEPPER, secret);
      return lookup.get(hash, hash);
    });
    const coldP99 = percentile(cold, 99) * 1000;
    const directP99 = percentile(direct, 99) * 1000;
    log(`verification: cold p99 ${coldP99.toFixed(0)} µs over ${coldSecrets.length} tokens, ${coldQueries} statements`);

    // Malformed and wrong-checksum tokens: refused, and the database never asked.
    const bad = [...malformedTokens(BAD_TOKENS / 2), ...wrongChecksumTokens(BAD_TOKENS / 2)];
    const queriesBeforeBad = queries.count;
    const badTimes = await timeEach(
      bad,
      (secret) => verifier.verify(secret, IP),
      (result) => {
        if (result.ok || result.reason !== 'malformed') throw new Error(`a malformed token got ${JSON.stringify(result)}`);
      },
    );
    const badQueries = queries.count - queriesBeforeBad;
    // The counter's control: well-formed unknown tokens must each reach the database.
    const unknown = unknownTokens(100);
    const queriesBeforeUnknown = queries.count;
    for (const secret of unknown) {
      const result = await verifier.verify(secret, IP);
      if (result.ok || result.reason !== 'unknown') throw new Error('an unknown token was not refused as unknown');
    }
    const unknownQueries = queries.count - queriesBeforeUnknown;

    return [
      {
        name: '2a verification, warm (cached) p99',
        value: warmP99,
        baseline: hmacP99,
        unit: 'µs',
        baselineLabel: 'HMAC-SHA256 alone',
        ratio: warmP99 / hmacP99,
        target: 'p99 < 50 µs',
        pass: warmP99 < 50 && warmQueries === 0,
        notes: [`2a: p50 ${(percentile(Array.from(warm), 50) * 1000).toFixed(1)} µs, ${WARM_CALLS} calls, ${warmQueries} database statements`],
      },
      {
        name: '2b verification, cold (cache miss, SQLite) p99',
        value: coldP99,
        baseline: directP99,
        unit: 'µs',
        baselineLabel: 'HMAC + raw better-sqlite3 lookup',
        ratio: coldP99 / directP99,
        target: 'p99 < 2,000 µs',
        pass: coldP99 < 2000 && coldQueries === coldSecrets.length,
        notes: [
          `2b: p50 ${(percentile(cold, 50) * 1000).toFixed(0)} µs, ${coldSecrets.length} tokens never seen before among ${secrets.length}, ${coldQueries} database statements`,
        ],
      },
      {
        name: '2c malformed / wrong-checksum tokens: DB statements',
        value: badQueries,
        baseline: unknownQueries,
        unit: '',
        baselineLabel: `${unknown.length} well-formed unknown tokens`,
        ratio: null,
        target: '0 statements',
        pass: badQueries === 0 && unknownQueries >= unknown.length,
        notes: [
          `2c: ${bad.length} refused as malformed (${BAD_TOKENS / 2} malformed, ${BAD_TOKENS / 2} wrong checksum), p99 ${(percentile(badTimes, 99) * 1000).toFixed(1)} µs; statements counted at the SQLite driver adapter`,
        ],
      },
    ];
  } finally {
    raw.close();
    await access.close();
    await prisma.$disconnect();
    await db.remove();
  }
}
