// Figure 5: the admin screens at scale. 100,000 tokens and 5,000,000 request-log rows in a fresh
// migrated SQLite file (the example seed first, then a bulk load), then the real example host
// answers the AdminJS API to a signed-in super admin.
import Database from 'better-sqlite3';
import { createApiAccess } from 'adminjs-api-access';
import { createPrismaClient } from '../example-app/src/prisma.js';
import { seed, SEEDED_SIGN_INS } from '../example-app/src/seed.js';
import { startupLock } from '../example-app/src/startup-lock.js';
import { AdminUsers, hashPassword, SUPER_ADMIN } from '../example-app/src/users.js';
import { BENCH_PEPPER, freshDatabase, insertTokens } from './lib/dataset.js';
import { ADMIN_API, CALLS, type listAnswer, overviewAnswer, screenFigure, signIn, timeCalls, usageAnswer, type Answer } from './lib/admin-api.js';
import { log, type Figure } from './lib/report.js';
import { ServerProcess } from './lib/server-process.js';
import { ROLLUP_DAYS, rollupInserts } from './lib/usage-dataset.js';

export const TOKENS = 100_000;
const LOGS = 5_000_000;
export const TAGS = ['prod', 'staging', 'reporting', 'siem', 'grc', 'ci', 'partner', 'internal', 'billing', 'legacy'];
export const DAY = 86_400_000;
/** A super admin without the token-admin grant who owns a tenth of the tokens: sees only their logs. */
export const AUDITOR = { email: 'auditor@example.com', password: 'auditor-bench' };

/** The example seed (users, roles, tokens) through the real host code, and the auditor. */
export async function seedWithAuditor(url: string): Promise<void> {
  const prisma = createPrismaClient(url);
  const access = createApiAccess({ prisma, pepper: BENCH_PEPPER, users: new AdminUsers(prisma), logger: { info: () => {}, warn: () => {}, error: () => {} } });
  await seed(prisma, access, startupLock(url));
  await prisma.adminUser.create({ data: { email: AUDITOR.email, name: 'Ann Auditor', role: SUPER_ADMIN, passwordHash: await hashPassword(AUDITOR.password) } });
  await access.close();
  await prisma.$disconnect();
}

/** The seeded users and roles, then 100k tokens and 5M log rows written straight into the file. */
export async function buildDataset(file: string, url: string): Promise<{ hotTokenId: string; typicalTokenId: string; auditorLogs: number; seconds: number }> {
  const started = performance.now();
  await seedWithAuditor(url);

  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const users = db.prepare('SELECT "id", "email", "role" FROM "AdminUser" ORDER BY "email"').all() as Array<{ id: string; email: string; role: string }>;
  const superAdmin = users.find((u) => u.email === SEEDED_SIGN_INS[0].email)!;
  const admin = users.find((u) => u.role !== 'super_admin')!;
  const auditor = users.find((u) => u.email === AUDITOR.email)!;
  const roleIds = (db.prepare('SELECT "id" FROM "ApiRole" ORDER BY "name"').all() as Array<{ id: string }>).map((r) => r.id);
  const now = Date.now();
  insertTokens(db, {
    count: TOKENS,
    idPrefix: 'bt',
    ownerId: superAdmin.id,
    ownerEmail: superAdmin.email,
    owner: (i) => (i % 10 < 7 ? superAdmin : i % 10 === 7 ? admin : i % 10 === 8 ? auditor : { id: `owner-${i % 97}`, email: `owner${i % 97}@example.com` }),
    roleIds: [],
    roles: (i) => [roleIds[i % roleIds.length]!],
    keepSecrets: 0,
    tags: (i) => [TAGS[i % TAGS.length]!, ...(i % 3 === 0 ? [TAGS[(i >> 3) % TAGS.length]!] : [])].filter((t, k, all) => all.indexOf(t) === k),
    enabled: (i) => i % 10 !== 0,
    expiresAt: (i) => (i % 10 === 1 ? new Date(now - (i % 300) * DAY - DAY) : i % 4 === 0 ? null : new Date(now + (1 + (i % 365)) * DAY)),
    createdAt: (i) => new Date(now - 400 * DAY + i * ((399 * DAY) / TOKENS)),
  });
  log(`admin-scale: ${TOKENS} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // 5M rows in time order over the 90 days the retention keeps: a tenth of them on one busy
  // token, the rest spread over all tokens. Secondary indexes are dropped for the load and
  // rebuilt from the migration's own definitions.
  const indexes = db.prepare(`SELECT "sql" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ApiRequestLog' AND "sql" IS NOT NULL`).all() as Array<{
    sql: string;
  }>;
  db.exec(`CREATE TEMP TABLE bench_token (k INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL);
    INSERT INTO bench_token (k, id, name) SELECT ROW_NUMBER() OVER (ORDER BY "id") - 1, "id", "name" FROM "ApiToken" WHERE "id" LIKE 'bt%';
    CREATE UNIQUE INDEX bench_token_id ON bench_token (id); CREATE INDEX bench_token_tenth ON bench_token (k % 10);`);
  for (const { sql } of indexes) db.exec(`DROP INDEX ${/INDEX\s+(\S+)\s+ON/i.exec(sql)![1]}`);
  const from = now - 90 * DAY;
  const step = (90 * DAY - 60_000) / LOGS;
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${LOGS - 1})
    INSERT INTO "ApiRequestLog" ("tokenId", "tokenName", "method", "path", "status", "ip", "userAgent", "durationMs", "createdAt")
    SELECT t.id, t.name,
           CASE WHEN i % 7 = 0 THEN 'POST' ELSE 'GET' END,
           CASE i % 4 WHEN 0 THEN '/api/v1/vaults' WHEN 1 THEN '/api/v1/security-audit' WHEN 2 THEN '/api/v1/onboarding' ELSE '/api/v1/whoami' END,
           CASE WHEN i % 53 = 0 THEN 403 ELSE 200 END,
           '203.0.113.' || (i % 250),
           'bench-client/1.0',
           i % 40,
           strftime('%Y-%m-%dT%H:%M:%f', (${from} + i * ${step}) / 1000.0, 'unixepoch') || '+00:00'
    FROM n JOIN bench_token t ON t.k = CASE WHEN i % 10 = 0 THEN 0 ELSE (i * 7919) % ${TOKENS} END;`);
  log(`admin-scale: ${LOGS} request-log rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const { sql } of indexes) db.exec(sql);
  const hot = db.prepare('SELECT "id" FROM bench_token WHERE k = 0').get() as { id: string };
  const typical = db.prepare('SELECT "id" FROM bench_token WHERE k = 4242').get() as { id: string };
  // 13 months of daily usage counts, and "last used" on four tokens in five (the rest never used).
  for (const sql of rollupInserts(
    (dn) => `strftime('%Y-%m-%d', 'now', '-' || ${dn} || ' days')`,
    (n) => `(WITH RECURSIVE s(dn) AS (SELECT 0 UNION ALL SELECT dn + 1 FROM s WHERE dn < ${n - 1}) SELECT dn FROM s)`,
  ))
    db.exec(sql);
  db.exec(`UPDATE "ApiToken" SET "lastUsedAt" = (SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (b.k % 60) || ' days') || '+00:00'
    FROM bench_token b WHERE b.id = "ApiToken"."id" AND b.k % 5 <> 0) WHERE "id" LIKE 'bt%'`);
  log(`admin-scale: ${ROLLUP_DAYS} days of usage rollups in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { auditorLogs } = db
    .prepare('SELECT COUNT(*) AS "auditorLogs" FROM "ApiRequestLog" WHERE "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ?)')
    .get(auditor.id) as { auditorLogs: number };
  db.exec('DROP TABLE bench_token');
  db.pragma('journal_mode = WAL');
  db.close();
  const seconds = (performance.now() - started) / 1000;
  log(`admin-scale: indexes rebuilt; dataset ready in ${seconds.toFixed(1)} s`);
  return { hotTokenId: hot.id, typicalTokenId: typical.id, auditorLogs, seconds };
}

/** One screen of figure 5 (or its PostgreSQL twin): the request, and what its answer must hold. */
export interface ScreenCase {
  name: string;
  path: string;
  check?: (body: Parameters<typeof listAnswer>[0]) => Answer | null;
  total?: number;
  cookie?: string;
}

/** The screens both databases answer: the token's traffic chart, the overview, request logs by period. */
export function usageCases(figure: string, hotTokenId: string): ScreenCase[] {
  const api = ADMIN_API;
  return [
    { name: `${figure} token traffic chart, 30 days`, path: `${api}/ApiToken/records/${hotTokenId}/usage?days=30`, check: usageAnswer(30) },
    { name: `${figure} token traffic chart, 90 days`, path: `${api}/ApiToken/records/${hotTokenId}/usage?days=90`, check: usageAnswer(90) },
    { name: `${figure} overview`, path: `${api}/ApiAccessOverview/actions/list`, check: overviewAnswer },
    { name: `${figure} request logs, last 24 hours`, path: `${api}/ApiRequestLog/actions/list?filters.createdAt~~last=24h` },
    {
      name: `${figure} busiest token's request logs, last 7 days`,
      path: `${api}/ApiRequestLog/actions/list?filters.tokenId=${hotTokenId}&filters.createdAt~~last=7d`,
    },
  ];
}

/** Times each case against the 2-row baseline list; one figure per case. */
export async function timeScreens(baseUrl: string, cookie: string, cases: ScreenCase[], prefix: string): Promise<{ figures: Figure[]; baselineP50: number }> {
  const baseline = await timeCalls(baseUrl, cookie, `${ADMIN_API}/AdminUser/actions/list`);
  const figures: Figure[] = [];
  for (const c of cases) {
    const t = await timeCalls(baseUrl, c.cookie ?? cookie, c.path, c.check);
    log(`${prefix}: ${c.name}: p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms, ${t.records} records of ${t.total}`);
    figures.push(screenFigure(c.name, c.path, t, baseline, c.total));
  }
  return { figures, baselineP50: baseline.p50 };
}

export async function run(): Promise<Figure[]> {
  const db = freshDatabase();
  let server: ServerProcess | undefined;
  try {
    const data = await buildDataset(db.file, db.url);
    server = await ServerProcess.start('admin-host.ts', { DATABASE_URL: db.url });
    const cookie = await signIn(server.baseUrl);
    const auditorCookie = await signIn(server.baseUrl, AUDITOR);
    const api = ADMIN_API;
    const cases: ScreenCase[] = [
      { name: '5a token list, first page', path: `${api}/ApiToken/actions/list` },
      { name: '5b token list filtered by status', path: `${api}/ApiToken/actions/list?filters.status=active` },
      { name: '5c token list filtered by tag', path: `${api}/ApiToken/actions/list?filters.tags=siem` },
      { name: '5d token list, name search', path: `${api}/ApiToken/actions/list?filters.name=${encodeURIComponent('token 4242')}` },
      { name: "5e one token's request logs (busiest)", path: `${api}/ApiRequestLog/actions/list?filters.tokenId=${data.hotTokenId}` },
      { name: "5f one token's request logs (typical)", path: `${api}/ApiRequestLog/actions/list?filters.tokenId=${data.typicalTokenId}` },
      { name: '5g all request logs, first page', path: `${api}/ApiRequestLog/actions/list` },
      // A word every token's name has: the search must answer for 100,000 matches (it failed
      // past ~990 when the matches went to the list's query as an id list).
      { name: '5h token list, name search matching every token', path: `${api}/ApiToken/actions/list?filters.name=token`, total: TOKENS },
      { name: '5i token list filtered by owner e-mail', path: `${api}/ApiToken/actions/list?filters.ownerEmail=${encodeURIComponent('OWNER1')}` },
      // A super admin without the grant sees the logs of their own 10,000 tokens (this failed
      // when their token ids went to the query as a list: SQLite takes 999 parameters).
      {
        name: "5j an owner's request logs (10,000 tokens, no grant)",
        path: `${api}/ApiRequestLog/actions/list`,
        cookie: auditorCookie,
        total: data.auditorLogs,
      },
      ...usageCases('5', data.hotTokenId).map((c, i) => ({ ...c, name: c.name.replace(/^5/, `5${'klmno'[i]}`) })),
    ];
    const { figures, baselineP50 } = await timeScreens(server.baseUrl, cookie, cases, 'admin-scale');
    figures[0]!.notes!.unshift(
      `5: ${TOKENS} tokens, ${LOGS} request-log rows, ${ROLLUP_DAYS} days of usage rollups, built in ${data.seconds.toFixed(0)} s; baseline p50 ${baselineP50.toFixed(0)} ms; ${CALLS} calls each`,
    );
    return figures;
  } finally {
    if (server) await server.shutdown().catch(() => server!.kill());
    db.remove();
  }
}
