import { SEEDED_SIGN_INS } from '../example-app/src/seed.js';
import { partitionName } from '../src/request-log/postgres-partitions.js';
import { AUDITOR, DAY, seedWithAuditor, TAGS, TOKENS, timeScreens, usageCases, type ScreenCase } from './admin-scale.js';
import { ADMIN_API, CALLS, signIn } from './lib/admin-api.js';
import { freshPostgresDatabase, pgClient } from './lib/postgres.js';
import { log, type Figure } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';
import { ROLLUP_DAYS, rollupInserts } from './lib/usage-dataset.js';

const LOGS = 20_000_000;
const LOG_DAYS = 90;
/** Rows deleted per statement, as the retention job's purgeBatchSize default. */
const PURGE_BATCH = 5_000;

type Client = Awaited<ReturnType<typeof pgClient>>;

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

async function buildDataset(url: string): Promise<{ hotTokenId: string; typicalTokenId: string; auditorLogs: number; seconds: number }> {
  const started = performance.now();
  await seedWithAuditor(url);

  const db = await pgClient(url);
  try {
    await db.query('SET synchronous_commit = off');
    await db.query("SET maintenance_work_mem = '512MB'");
    const users = (await db.query<{ id: string; email: string; role: string }>('SELECT "id", "email", "role" FROM "AdminUser" ORDER BY "email"')).rows;
    const superAdmin = users.find((u) => u.email === SEEDED_SIGN_INS[0].email)!;
    const admin = users.find((u) => u.role !== 'super_admin')!;
    const auditor = users.find((u) => u.email === AUDITOR.email)!;
    const roleIds = (await db.query<{ id: string }>('SELECT "id" FROM "ApiRole" ORDER BY "name"')).rows.map((r) => r.id);
    // The same token mix as the SQLite figure: owners, states, expiries, tags, one role each.
    await db.query(
      `INSERT INTO "ApiToken" ("id", "name", "description", "secretHash", "lastFour", "enabled", "expiresAt", "allowedIps",
         "ownerId", "ownerEmail", "createdById", "createdByEmail", "createdAt", "updatedAt", "secretIssuedAt", "lastUsedAt")
       SELECT 'bt' || lpad(i::text, 7, '0'), 'bt token ' || i, 'Bench token ' || i, md5(i::text) || md5('s' || i), right(md5(i::text), 4), i % 10 <> 0,
         CASE WHEN i % 10 = 1 THEN now() - ((i % 300) + 1) * interval '1 day' WHEN i % 4 = 0 THEN NULL ELSE now() + (1 + i % 365) * interval '1 day' END,
         '[]'::jsonb, o.id, o.email, o.id, o.email, c.at, c.at, c.at,
         CASE WHEN i % 5 = 0 THEN NULL ELSE now() - (i % 60) * interval '1 day' END
       FROM generate_series(0, ${TOKENS - 1}) i
       CROSS JOIN LATERAL (SELECT now() - interval '400 days' + i * (interval '399 days' / ${TOKENS}) AS at) c
       CROSS JOIN LATERAL (SELECT CASE WHEN i % 10 < 7 THEN $1 WHEN i % 10 = 7 THEN $3 WHEN i % 10 = 8 THEN $5 ELSE 'owner-' || (i % 97) END AS id,
                                  CASE WHEN i % 10 < 7 THEN $2 WHEN i % 10 = 7 THEN $4 WHEN i % 10 = 8 THEN $6 ELSE 'owner' || (i % 97) || '@example.com' END AS email) o`,
      [superAdmin.id, superAdmin.email, admin.id, admin.email, auditor.id, auditor.email],
    );
    await db.query(
      `INSERT INTO "ApiTokenRole" ("id", "tokenId", "roleId", "assignedById", "assignedByEmail", "assignedAt")
       SELECT t."id" || '-r', t."id", ($1::text[])[1 + (substr(t."id", 3)::int % $2)], t."ownerId", t."ownerEmail", t."createdAt" FROM "ApiToken" t WHERE t."id" LIKE 'bt%'`,
      [roleIds, roleIds.length],
    );
    await db.query(
      `INSERT INTO "ApiTokenTag" ("tokenId", "tag")
       SELECT DISTINCT t."id", tag FROM "ApiToken" t CROSS JOIN LATERAL (SELECT substr(t."id", 3)::int AS i) n
       CROSS JOIN LATERAL unnest(ARRAY[($1::text[])[1 + n.i % 10]] || CASE WHEN n.i % 3 = 0 THEN ARRAY[($1::text[])[1 + (n.i >> 3) % 10]] ELSE ARRAY[]::text[] END) tag
       WHERE t."id" LIKE 'bt%'`,
      [TAGS],
    );
    await db.query('ANALYZE "ApiToken"; ANALYZE "ApiTokenRole"; ANALYZE "ApiTokenTag"');
    log(`admin-scale-pg: ${TOKENS} tokens in ${seconds(started)} s`);

    // A partition for each of the 90 days (the migration made today's and the week ahead), then
    // the rows in time order: a tenth on the busiest token, the rest spread over all tokens. The
    // parent's indexes are dropped for the load and made again, for every partition, after it.
    for (let d = 1; d <= LOG_DAYS + 1; d++) {
      const day = Math.floor((Date.now() - d * DAY) / DAY) * DAY;
      const literal = (ms: number) => `'${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}'`;
      await db.query(
        `CREATE TABLE IF NOT EXISTS "${partitionName(day)}" PARTITION OF "ApiRequestLog" FOR VALUES FROM (${literal(day)}) TO (${literal(day + DAY)})`,
      );
    }
    await db.query(
      `CREATE TEMP TABLE bench_token AS SELECT (ROW_NUMBER() OVER (ORDER BY "id") - 1)::int AS k, "id", "name" FROM "ApiToken" WHERE "id" LIKE 'bt%';
       CREATE UNIQUE INDEX ON bench_token (k); CREATE UNIQUE INDEX ON bench_token (id); CREATE INDEX ON bench_token ((k % 10)); ANALYZE bench_token;`,
    );
    const indexes = (
      await db.query<{ indexdef: string; indexname: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ApiRequestLog' AND schemaname = current_schema() AND indexname <> 'ApiRequestLog_pkey'`,
      )
    ).rows;
    for (const { indexname } of indexes) await db.query(`DROP INDEX "${indexname}"`);
    const from = Date.now() - LOG_DAYS * DAY;
    const stepMs = (LOG_DAYS * DAY - 60_000) / LOGS;
    // In slices, each its own statement, so that no one transaction holds 20M rows.
    const SLICE = 2_000_000;
    for (let first = 0; first < LOGS; first += SLICE) {
      await db.query(
        `INSERT INTO "ApiRequestLog" ("tokenId", "tokenName", "method", "path", "status", "ip", "userAgent", "durationMs", "createdAt")
         SELECT t.id, t.name,
                CASE WHEN i % 7 = 0 THEN 'POST' ELSE 'GET' END,
                CASE i % 4 WHEN 0 THEN '/api/v1/vaults' WHEN 1 THEN '/api/v1/security-audit' WHEN 2 THEN '/api/v1/onboarding' ELSE '/api/v1/whoami' END,
                CASE WHEN i % 53 = 0 THEN 403 ELSE 200 END,
                '203.0.113.' || (i % 250), 'bench-client/1.0', i % 40,
                to_timestamp((${from} + i * ${stepMs}) / 1000.0) AT TIME ZONE 'UTC'
         FROM generate_series(${first}::bigint, ${Math.min(first + SLICE, LOGS) - 1}::bigint) i
         JOIN bench_token t ON t.k = CASE WHEN i % 10 = 0 THEN 0 ELSE (i * 7919) % ${TOKENS} END`,
      );
      log(`admin-scale-pg: ${Math.min(first + SLICE, LOGS)} request-log rows in ${seconds(started)} s`);
    }
    // pg_indexes gives a partitioned table's index as CREATE INDEX … ON ONLY, which would make
    // the parent's index alone (invalid, with none on the partitions): made for every partition.
    for (const { indexdef } of indexes) await db.query(indexdef.replace(' ON ONLY ', ' ON '));
    const invalid = (
      await db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = 'ApiRequestLog' AND NOT i.indisvalid`,
      )
    ).rows[0]!.n;
    if (Number(invalid) > 0) throw new Error(`${invalid} request-log index(es) are not valid after the load`);
    // As autovacuum leaves a table: statistics, and the visibility map that index-only scans (the
    // list's count) rely on.
    await db.query('VACUUM ANALYZE "ApiRequestLog"');
    log(`admin-scale-pg: request-log indexes made in ${seconds(started)} s`);

    for (const sql of rollupInserts(
      (dn) => `to_char((now() AT TIME ZONE 'UTC')::date - ${dn}, 'YYYY-MM-DD')`,
      (n) => `(SELECT generate_series(0, ${n - 1}) AS dn)`,
    ))
      await db.query(sql);
    await db.query('VACUUM ANALYZE "ApiTokenUsageDay"');
    await db.query('VACUUM ANALYZE "ApiUsageDay"');
    log(`admin-scale-pg: ${ROLLUP_DAYS} days of usage rollups in ${seconds(started)} s`);

    const hot = (await db.query<{ id: string }>('SELECT id FROM bench_token WHERE k = 0')).rows[0]!.id;
    const typical = (await db.query<{ id: string }>('SELECT id FROM bench_token WHERE k = 4242')).rows[0]!.id;
    const auditorLogs = Number(
      (
        await db.query<{ n: string }>('SELECT COUNT(*) AS n FROM "ApiRequestLog" WHERE "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = $1)', [
          auditor.id,
        ])
      ).rows[0]!.n,
    );
    const total = (performance.now() - started) / 1000;
    log(`admin-scale-pg: dataset ready in ${total.toFixed(1)} s`);
    return { hotTokenId: hot, typicalTokenId: typical, auditorLogs, seconds: total };
  } finally {
    await db.end();
  }
}

/**
 * Figure 7: one day's rows retired both ways. First deleted as SQLite's retention deletes them
 * (the oldest PURGE_BATCH rows by the createdAt index, one statement each, until the day is
 * empty), inside a transaction that is then rolled back, so that the same rows are there for the
 * second way: the partition dropped, as the PostgreSQL retention does.
 */
async function retireOneDay(url: string): Promise<Figure> {
  const db: Client = await pgClient(url);
  try {
    // The oldest whole day of the 90 (the first one is a part of a day).
    const day = Math.floor((Date.now() - (LOG_DAYS - 1) * DAY) / DAY) * DAY;
    const name = partitionName(day);
    const rows = Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${name}"`)).rows[0]!.n);
    const bounds = [new Date(day), new Date(day + DAY)];
    await db.query('BEGIN');
    const deleteStarted = performance.now();
    let deleted = 0;
    for (;;) {
      const res = await db.query(
        `DELETE FROM "ApiRequestLog" WHERE ("id", "createdAt") IN (
           SELECT "id", "createdAt" FROM "ApiRequestLog" WHERE "createdAt" >= $1 AND "createdAt" < $2 ORDER BY "createdAt" LIMIT ${PURGE_BATCH})`,
        bounds,
      );
      deleted += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < PURGE_BATCH) break;
    }
    const deleteMs = performance.now() - deleteStarted;
    await db.query('ROLLBACK');
    const left = Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${name}"`)).rows[0]!.n);
    const dropStarted = performance.now();
    await db.query(`DROP TABLE "${name}"`);
    const dropMs = performance.now() - dropStarted;
    log(`admin-scale-pg: one day (${rows} rows): batched DELETE ${deleteMs.toFixed(0)} ms, DROP of its partition ${dropMs.toFixed(1)} ms`);
    return {
      name: '7 retention of one day, PostgreSQL: drop partition',
      value: dropMs,
      baseline: deleteMs,
      unit: 'ms',
      baselineLabel: `batched DELETE of the same ${rows.toLocaleString('en-US')} rows`,
      ratio: dropMs / deleteMs,
      target: 'ratio < 0.10',
      pass: deleted === rows && left === rows && dropMs / deleteMs < 0.1,
      notes: [
        `7: ${name}, ${rows} rows; DELETE in batches of ${PURGE_BATCH}: ${deleteMs.toFixed(0)} ms (${deleted} rows, rolled back); DROP TABLE: ${dropMs.toFixed(1)} ms`,
      ],
    };
  } finally {
    await db.end();
  }
}

export async function run(): Promise<Figure[]> {
  const database = await freshPostgresDatabase();
  let server: ServerProcess | undefined;
  try {
    const data = await buildDataset(database.url);
    server = await ServerProcess.start('admin-host.ts', { DATABASE_URL: database.url });
    const cookie = await signIn(server.baseUrl);
    const auditorCookie = await signIn(server.baseUrl, AUDITOR);
    const api = ADMIN_API;
    const cases: ScreenCase[] = [
      { name: '6a token list, first page', path: `${api}/ApiToken/actions/list` },
      { name: "6b one token's request logs (busiest)", path: `${api}/ApiRequestLog/actions/list?filters.tokenId=${data.hotTokenId}` },
      { name: "6c one token's request logs (typical)", path: `${api}/ApiRequestLog/actions/list?filters.tokenId=${data.typicalTokenId}` },
      { name: '6d all request logs, first page', path: `${api}/ApiRequestLog/actions/list` },
      {
        name: "6e an owner's request logs (10,000 tokens, no grant)",
        path: `${api}/ApiRequestLog/actions/list`,
        cookie: auditorCookie,
        total: data.auditorLogs,
      },
      ...usageCases('6', data.hotTokenId).map((c, i) => ({ ...c, name: c.name.replace(/^6/, `6${'fghij'[i]}`) })),
    ];
    const { figures, baselineP50 } = await timeScreens(server.baseUrl, cookie, cases, 'admin-scale-pg');
    figures[0]!.notes!.unshift(
      `6: PostgreSQL, ${TOKENS} tokens, ${LOGS} request-log rows in ${LOG_DAYS + 1} day partitions, ${ROLLUP_DAYS} days of usage rollups, built in ${data.seconds.toFixed(0)} s; baseline p50 ${baselineP50.toFixed(0)} ms; ${CALLS} calls each`,
    );
    await server.shutdown().catch(() => server!.kill());
    server = undefined;
    figures.push(await retireOneDay(database.url));
    return figures;
  } finally {
    if (server) await server.shutdown().catch(() => server!.kill());
    await database.remove();
  }
}
