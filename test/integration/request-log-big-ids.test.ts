// Request-log ids past 2^31 (where a 32-bit sequence ends) and past 2^53 (where a JS number stops
// telling integers apart), end to end on SQLite and PostgreSQL: rows written by the host's own
// writer (the API middleware's, and its batches of one instant), then listed page by page through
// AdminJS's list action, refused by its show action on the exact record, read by the service in
// keyset pages, and exported as CSV in keyset pages, every time with the exact ids.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { REQUEST_LOG_CSV_PATH } from 'adminjs-api-access';
import { createApiAccess } from '../../src/api-access.js';
import { ApiAccessError } from '../../src/core/errors.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { createHostDatabase, onPostgres } from '../helpers/database.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { MemoryLogger } from '../helpers/logger.js';

const PAST_INT32 = 2n ** 31n + 7n;
/** Two ids below 2^53 and three above: 2^53 + 1 is the first integer a JS number cannot hold. */
const AROUND_2_53 = 2n ** 53n - 2n;
const API = '/admin/api/resources/ApiRequestLog';

type ListBody = {
  records?: Array<{ id: string; params: Record<string, unknown> }>;
  meta?: { total: number };
  record?: { id?: string; params?: Record<string, unknown>; baseError?: { type?: string } };
  notice?: { type?: string; message?: string };
};

/** RFC 4180 records of a body without quoted line breaks (the rows here have none). */
function csvRows(body: string): string[][] {
  return body
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','));
}

describe('request-log ids past 2^31 and past 2^53', { timeout: 120_000 }, () => {
  let t: TestHost;
  let agent: supertest.Agent;
  let token: { id: string; name: string; secret: string };
  /** Every row's id, newest first (the list's order), as the database has it: text, so never rounded. */
  let expected: string[] = [];

  /** Makes the id of the next row written `next`, as the database numbers rows. */
  async function numberFrom(next: bigint): Promise<void> {
    const prisma = t.host.prisma;
    if (onPostgres()) {
      await prisma.$queryRawUnsafe(`SELECT setval('"ApiRequestLog_id_seq"', ${next - 1n})`);
      return;
    }
    // AUTOINCREMENT numbers from the largest id the table ever had, kept in sqlite_sequence.
    await prisma.$executeRawUnsafe(
      `INSERT INTO sqlite_sequence ("name", "seq") SELECT 'ApiRequestLog', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE "name" = 'ApiRequestLog')`,
    );
    await prisma.$executeRawUnsafe(`UPDATE sqlite_sequence SET "seq" = ${next - 1n} WHERE "name" = 'ApiRequestLog'`);
  }

  /** `n` API requests with the token, logged by the middleware's writer. */
  async function requests(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${token.secret}`).expect(200);
    await t.host.apiAccess.flush();
  }

  /** `n` rows of one instant through the host's writer: keyset pages meet equal timestamps. */
  async function oneInstant(n: number, createdAt: Date): Promise<void> {
    const writer = t.host.apiAccess.requestLog;
    assert.ok(writer, 'the host logs requests');
    for (let i = 0; i < n; i++) {
      writer.write({
        tokenId: token.id,
        tokenName: token.name,
        method: 'GET',
        path: `/api/v1/at-once/${i}`,
        status: 200,
        ip: '203.0.113.9',
        userAgent: 'big-ids',
        durationMs: i,
        createdAt,
      });
    }
    await t.host.apiAccess.flush();
  }

  before(async () => {
    t = await startTestHost();
    agent = await t.signIn(SEEDED_SIGN_INS[0].email, SEEDED_SIGN_INS[0].password);
    const created = await t.host.apiAccess.service.create(t.superAdmin, {
      name: 'Big ids',
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    token = { id: created.token.id, name: created.token.name, secret: created.secret };

    await numberFrom(PAST_INT32);
    await requests(3);
    await oneInstant(3, new Date(t.clock.now().getTime() - 60_000));
    await numberFrom(AROUND_2_53);
    await requests(2);
    // Newer than the rows above, all at one instant, ids from 2^53 - 2 on.
    await oneInstant(5, new Date(t.clock.now().getTime() + 60_000));

    const rows = await t.host.prisma.$queryRawUnsafe<Array<{ id: string }>>(
      'SELECT CAST("id" AS TEXT) AS "id" FROM "ApiRequestLog" ORDER BY "createdAt" DESC, "id" DESC',
    );
    expected = rows.map((row) => row.id);
  });

  after(async () => {
    await t?.close();
  });

  it('numbers the rows past 2^31 and past 2^53, each id once', () => {
    assert.equal(expected.length, 13);
    assert.equal(new Set(expected).size, 13);
    const ids = expected.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(
      ids.map(String),
      [...[0n, 1n, 2n, 3n, 4n, 5n].map((i) => PAST_INT32 + i), ...[0n, 1n, 2n, 3n, 4n, 5n, 6n].map((i) => AROUND_2_53 + i)].map(String),
    );
    // The newest five share one instant and take the ids across 2^53.
    assert.deepEqual(expected.slice(0, 5), ['9007199254740996', '9007199254740995', '9007199254740994', '9007199254740993', '9007199254740992']);
  });

  it("lists them through AdminJS's list action, page by page, with the exact ids", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await agent.get(`${API}/actions/list?perPage=3&page=${page}`).expect(200);
      const body = res.body as ListBody;
      assert.equal(body.notice, undefined, JSON.stringify(body.notice));
      assert.equal(body.meta?.total, 13);
      for (const record of body.records ?? []) {
        assert.equal(typeof record.id, 'string');
        assert.equal(record.params.id, record.id);
        seen.push(record.id);
      }
      // The ids are JSON strings: no number in the text stands for one.
      assert.doesNotMatch(res.text, /"id":\d/);
    }
    assert.deepEqual(seen, expected);
  });

  it("AdminJS's show action finds the exact record by its id, and refuses it (request logs have no detail page)", async () => {
    for (const id of ['9007199254740993', '9007199254740992', String(PAST_INT32)]) {
      const body = (await agent.get(`${API}/records/${id}/show`).expect(200)).body as ListBody;
      assert.equal(body.notice?.type, 'error');
      assert.equal(body.record?.baseError?.type, 'ForbiddenError');
      assert.equal(body.record?.id, id, 'the record of that id, not one a rounded id names');
      assert.deepEqual(body.record?.params, {});
    }
    const missing = (await agent.get(`${API}/records/9007199254740999/show`).expect(200)).body as ListBody;
    assert.equal(missing.notice?.type, 'error');
    assert.match(String(missing.notice?.message), /cannot be found/);
  });

  it('reads them through the service, in list pages and in keyset pages across one instant', async () => {
    const listed: string[] = [];
    for (let page = 1; page <= 7; page++) {
      const { items, total } = await t.host.apiAccess.service.listRequestLogs(t.superAdmin, { perPage: 2, page });
      assert.equal(total, 13);
      for (const log of items) {
        assert.equal(typeof log.id, 'bigint');
        listed.push(log.id.toString());
      }
    }
    assert.deepEqual(listed, expected);
    const keyset: string[] = [];
    for await (const page of await t.host.apiAccess.service.requestLogPages(t.superAdmin, { tokenId: token.id }, 2)) {
      keyset.push(...page.map((log) => log.id.toString()));
    }
    assert.deepEqual(keyset, expected);
  });

  it('exports them as CSV, read in keyset pages, each row once with its exact id', async () => {
    const sessionAdmin = { id: t.superAdmin.id, email: t.superAdmin.email, role: 'super_admin' };
    const app = express().use('/admin', t.host.apiAccess.adminRoutes({ currentAdmin: () => sessionAdmin, exportPageSize: 2 }));
    const small = await supertest(app).get(`/admin${REQUEST_LOG_CSV_PATH}`).buffer(true).expect(200);
    const [header, ...rows] = csvRows(small.text);
    assert.equal(header!.at(-1), 'Request id');
    assert.deepEqual(
      rows.map((row) => row.at(-1)),
      expected,
    );
    // And through the host's own admin route, with the session.
    const full = await agent.get(`/admin${REQUEST_LOG_CSV_PATH}`).buffer(true).expect(200);
    assert.deepEqual(
      csvRows(full.text)
        .slice(1)
        .map((row) => row.at(-1)),
      expected,
    );
  });

  it(
    onPostgres()
      ? 'PostgreSQL: the id is BIGINT on the partitioned table and every partition, and its sequence counts to 2^63 - 1'
      : 'SQLite: the id is the INTEGER PRIMARY KEY (the 64-bit rowid) that AUTOINCREMENT numbers',
    async () => {
      const prisma = t.host.prisma;
      if (!onPostgres()) {
        const [id] = await prisma.$queryRawUnsafe<Array<{ type: string; pk: number | bigint }>>(
          `SELECT "type", "pk" FROM pragma_table_info('ApiRequestLog') WHERE "name" = 'id'`,
        );
        assert.deepEqual({ type: id?.type, pk: Number(id?.pk) }, { type: 'INTEGER', pk: 1 });
        const [table] = await prisma.$queryRawUnsafe<Array<{ sql: string }>>(`SELECT "sql" FROM sqlite_master WHERE "name" = 'ApiRequestLog'`);
        assert.match(table!.sql, /"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT/);
        return;
      }
      const types = await prisma.$queryRawUnsafe<Array<{ table: string; type: string }>>(
        `SELECT c.relname::text AS "table", format_type(a.atttypid, a.atttypmod) AS "type" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE a.attname = 'id' AND c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace AND c.relname LIKE 'ApiRequestLog%' ORDER BY 1`,
      );
      assert.ok(types.length > 3, 'the table, its default partition and its days');
      assert.deepEqual([...new Set(types.map((row) => row.type))], ['bigint']);
      const [sequence] = await prisma.$queryRawUnsafe<Array<{ type: string; max: string }>>(
        `SELECT format_type(s.seqtypid, NULL) AS "type", s.seqmax::text AS "max" FROM pg_sequence s WHERE s.seqrelid = '"ApiRequestLog_id_seq"'::regclass`,
      );
      assert.deepEqual(sequence, { type: 'bigint', max: '9223372036854775807' });
    },
  );

  // SQLite only: on PostgreSQL Prisma's BIGSERIAL is numbered.
  if (!onPostgres())
    it('SQLite: a request-log id declared as Prisma writes it (BIGINT PRIMARY KEY, never numbered) fails ready() with the fix', async () => {
      const db = await createHostDatabase();
      const client = createPrismaClient(db.url);
      try {
        await client.$executeRawUnsafe('DROP TABLE "ApiRequestLog"');
        await client.$executeRawUnsafe(
          `CREATE TABLE "ApiRequestLog" ("id" BIGINT NOT NULL PRIMARY KEY, "tokenId" TEXT NOT NULL, "tokenName" TEXT NOT NULL, "method" TEXT NOT NULL,
         "path" TEXT NOT NULL, "status" INTEGER NOT NULL, "ip" TEXT NOT NULL, "userAgent" TEXT NOT NULL DEFAULT '', "durationMs" INTEGER NOT NULL,
         "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
        );
        const users = { findById: async () => null };
        const apiAccess = createApiAccess({ prisma: client, pepper: TEST_PEPPER, users, logger: new MemoryLogger() });
        const error = await apiAccess.ready().then(
          () => assert.fail('ready() succeeded'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof ApiAccessError);
        assert.equal(error.code, 'HOST_MISCONFIGURED');
        assert.match(error.message, /"ApiRequestLog"\."id" must be INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT; this database declares it BIGINT PRIMARY KEY/);
        await apiAccess.close();
      } finally {
        await client.$disconnect();
        await db.remove();
      }
    });
});
