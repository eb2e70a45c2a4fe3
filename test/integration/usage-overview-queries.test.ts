/**
 * The overview's token queries at the edges: the four counts of one statement agree with the
 * token list's per-status filters (statusWhere) and with core's tokenStatus, at the boundaries;
 * the ranking of the week's tokens leaves no gap for a deleted token, and its sums of earlier days
 * kept between calls follow every batch counted; the idle lists are read in the order of their
 * index, without sorting the tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PrismaClient } from '@prisma/client';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { tokenStatus } from '../../src/core/status.js';
import type { TokenStatus } from '../../src/core/types.js';
import { statusWhere } from '../../src/store/token-list.js';
import { usageQueries } from '../../src/store/usage.js';
import { createHostDatabase, onPostgres, type TestDatabase } from '../helpers/database.js';
import { pg } from '../helpers/postgres.js';

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 11, 6, 12, 0, 0, 0));
const BY = new Date(NOW.getTime() + 30 * DAY);
const ms = (offset: number) => new Date(NOW.getTime() + offset);

/** Each token: owner, enabled, expiry; the edges of every status and of "expiring within 30 days". */
const TOKENS: Array<{ owner: string; enabled: boolean; expiresAt: Date | null }> = [
  { owner: 'ann', enabled: true, expiresAt: null },
  { owner: 'ann', enabled: true, expiresAt: NOW }, // expired at exactly now
  { owner: 'ann', enabled: true, expiresAt: ms(-1) },
  { owner: 'ann', enabled: true, expiresAt: ms(1) }, // active, expiring
  { owner: 'ann', enabled: true, expiresAt: BY }, // active, expiring at exactly the end of the 30 days
  { owner: 'ann', enabled: true, expiresAt: ms(30 * DAY + 1) }, // active, not expiring
  { owner: 'ann', enabled: false, expiresAt: ms(-DAY) }, // disabled and expired: disabled
  { owner: 'bob', enabled: false, expiresAt: ms(DAY) }, // disabled and expiring: disabled, not expiring
  { owner: 'bob', enabled: false, expiresAt: null },
  { owner: 'bob', enabled: true, expiresAt: ms(400 * DAY) },
  { owner: 'bob', enabled: true, expiresAt: NOW },
  { owner: 'bob', enabled: false, expiresAt: NOW },
];

describe('overview token queries', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  before(async () => {
    db = await createHostDatabase();
    prisma = createPrismaClient(db.url);
    for (const [i, token] of TOKENS.entries()) {
      await prisma.apiToken.create({
        data: {
          name: `Token ${i}`,
          secretHash: `hash-${i}`,
          lastFour: 'abcd',
          allowedIps: [],
          ownerId: token.owner,
          ownerEmail: `${token.owner}@example.com`,
          createdById: token.owner,
          createdByEmail: `${token.owner}@example.com`,
          enabled: token.enabled,
          expiresAt: token.expiresAt,
        },
      });
    }
  });

  after(async () => {
    await prisma.$disconnect();
    await db.remove();
  });

  it('counts each status in one statement as the per-status filters and tokenStatus count it, at every edge, for all tokens and per owner', async () => {
    const expected: Record<string, { active: number; expiringWithin30Days: number; expired: number; disabled: number }> = {
      all: { active: 5, expiringWithin30Days: 2, expired: 3, disabled: 4 },
      ann: { active: 4, expiringWithin30Days: 2, expired: 2, disabled: 1 },
      bob: { active: 1, expiringWithin30Days: 0, expired: 1, disabled: 3 },
      nobody: { active: 0, expiringWithin30Days: 0, expired: 0, disabled: 0 },
    };
    for (const [who, counts] of Object.entries(expected)) {
      const ownerId = who === 'all' ? null : who;
      const mine = TOKENS.filter((t) => ownerId === null || t.owner === ownerId);
      const byStatus = (status: TokenStatus) => mine.filter((t) => tokenStatus(t, NOW) === status).length;
      assert.deepEqual(
        {
          active: byStatus('active'),
          expiringWithin30Days: mine.filter((t) => tokenStatus(t, NOW) === 'active' && t.expiresAt !== null && t.expiresAt <= BY).length,
          expired: byStatus('expired'),
          disabled: byStatus('disabled'),
        },
        counts,
        `${who}: the expectation agrees with tokenStatus`,
      );
      const owner = ownerId === null ? {} : { ownerId };
      const filtered = async (status: TokenStatus) => prisma.apiToken.count({ where: { ...owner, ...statusWhere(status, NOW) } });
      assert.deepEqual(
        {
          active: await filtered('active'),
          expiringWithin30Days: await prisma.apiToken.count({ where: { ...owner, ...statusWhere('active', NOW), expiresAt: { gt: NOW, lte: BY } } }),
          expired: await filtered('expired'),
          disabled: await filtered('disabled'),
        },
        counts,
        `${who}: the token list's status filters count the same`,
      );
      assert.deepEqual(await usageQueries(prisma).tokenCounts(ownerId, NOW, BY), counts, `${who}: one statement`);
    }
  });

  it("ranks the period's tokens, each list full when a ranked token was deleted since its requests were counted", async () => {
    const day = (offset: number) => new Date(NOW.getTime() + offset * DAY).toISOString().slice(0, 10);
    const ids = new Map((await prisma.apiToken.findMany({ select: { id: true, name: true } })).map((t) => [t.name, t.id]));
    const counted: Array<[string, string, { ok: number; serverError: number }]> = [
      // A deleted token: its rollups stay, and it would top both lists.
      ['deleted-token', day(0), { ok: 25, serverError: 25 }],
      [ids.get('Token 0')!, day(0), { ok: 20, serverError: 0 }],
      [ids.get('Token 0')!, day(-6), { ok: 7, serverError: 3 }],
      [ids.get('Token 1')!, day(-1), { ok: 10, serverError: 10 }],
      // Outside the 7 days [-6, 0]: before them, and after them.
      [ids.get('Token 2')!, day(-7), { ok: 900, serverError: 0 }],
      [ids.get('Token 2')!, day(1), { ok: 900, serverError: 0 }],
      [ids.get('Token 3')!, day(-3), { ok: 5, serverError: 0 }],
    ];
    for (const [tokenId, d, counts] of counted) await prisma.apiTokenUsageDay.create({ data: { tokenId, day: d, ...counts } });
    const ranked = await usageQueries(prisma).rankTokens(day(-6), day(0), null, 2, 1);
    assert.deepEqual(
      ranked.map((r) => [r.list, r.token.name, r.requests, r.errors]),
      [
        ['traffic', 'Token 0', 30, 3],
        ['traffic', 'Token 1', 20, 10],
        ['errors', 'Token 1', 20, 10],
        ['errors', 'Token 0', 30, 3],
      ],
    );
    const ann = await usageQueries(prisma).rankTokens(day(-6), day(0), 'ann', 2, 1);
    assert.deepEqual(
      ann.map((r) => [r.list, r.token.name]),
      [
        ['traffic', 'Token 0'],
        ['traffic', 'Token 1'],
        ['errors', 'Token 1'],
        ['errors', 'Token 0'],
      ],
      "an owner's tokens",
    );
  });

  it("keeps the earlier days' sums while those days' totals stand, and reads the last day on every call", async () => {
    const day = (offset: number) => new Date(NOW.getTime() + offset * DAY).toISOString().slice(0, 10);
    const id = async (name: string) => (await prisma.apiToken.findFirstOrThrow({ where: { name } })).id;
    const [t4, t5, t6] = [await id('Token 4'), await id('Token 5'), await id('Token 6')];
    // As the request-log writer counts: a token's day and that day's total in one transaction.
    const count = (tokenId: string, d: string, ok: number, withTotal = true) =>
      prisma.$transaction([
        prisma.apiTokenUsageDay.upsert({ where: { tokenId_day: { tokenId, day: d } }, create: { tokenId, day: d, ok }, update: { ok: { increment: ok } } }),
        ...(withTotal ? [prisma.apiUsageDay.upsert({ where: { day: d }, create: { day: d, ok }, update: { ok: { increment: ok } } })] : []),
      ]);
    const queries = usageQueries(prisma);
    const traffic = async () =>
      (await queries.rankTokens(day(-40), day(-34), null, 2, 1)).filter((r) => r.list === 'traffic').map((r) => [r.token.name, r.requests]);

    await count(t4, day(-40), 10);
    await count(t5, day(-34), 5);
    assert.deepEqual(await traffic(), [
      ['Token 4', 10],
      ['Token 5', 5],
    ]);
    await count(t5, day(-34), 20);
    assert.deepEqual(
      await traffic(),
      [
        ['Token 5', 25],
        ['Token 4', 10],
      ],
      'the last day, read on every call',
    );
    await count(t4, day(-39), 100);
    assert.deepEqual(
      await traffic(),
      [
        ['Token 4', 110],
        ['Token 5', 25],
      ],
      'a late batch in an earlier day',
    );
    // A row the writer never writes alone: unseen while its day's total stands, which shows the kept sums are used.
    await count(t6, day(-38), 1000, false);
    assert.deepEqual(await traffic(), [
      ['Token 4', 110],
      ['Token 5', 25],
    ]);
    await count(t6, day(-38), 1);
    assert.deepEqual(await traffic(), [
      ['Token 6', 1001],
      ['Token 4', 110],
    ]);
    assert.deepEqual(
      (await usageQueries(prisma).rankTokens(day(-40), day(-34), 'ann', 1, 1)).map((r) => [r.list, r.token.name, r.requests]),
      [['traffic', 'Token 6', 1001]],
      "an owner's tokens, summed on every call",
    );
  });

  // The statements idleTokens sends (Prisma's, without its schema qualifier), planned with sorting
  // and full scans made as costly as the planner allows: the plan must read the idle index in order.
  const IDLE = [
    'SELECT "id", "name", "lastUsedAt" FROM "ApiToken" WHERE "lastUsedAt" < $1 ORDER BY "lastUsedAt" ASC, "createdAt" ASC, "id" ASC LIMIT 10',
    'SELECT "id", "name", "lastUsedAt" FROM "ApiToken" WHERE "lastUsedAt" IS NULL ORDER BY "lastUsedAt" ASC, "createdAt" ASC, "id" ASC LIMIT 10',
  ];

  it('reads tokens unused for 30 days, and tokens never used, from their index in order, without a sort', async () => {
    const cutoff = new Date(NOW.getTime() - 30 * DAY);
    if (!onPostgres()) {
      for (const sql of IDLE) {
        const params = sql.includes('$1') ? [cutoff.toISOString().replace('Z', '+00:00')] : [];
        const plan = await prisma.$queryRawUnsafe<Array<{ detail: string }>>(`EXPLAIN QUERY PLAN ${sql.replace('$1', '?')}`, ...params);
        const text = plan.map((p) => p.detail).join('\n');
        assert.match(text, /ApiToken_lastUsedAt_createdAt_id_idx/, `${sql}\n${text}`);
        assert.doesNotMatch(text, /TEMP B-TREE/, `no sort: ${sql}\n${text}`);
      }
      return;
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('SET enable_seqscan = off');
      await client.query('SET enable_sort = off');
      for (const sql of IDLE) {
        const params = sql.includes('$1') ? [cutoff.toISOString().replace('T', ' ').replace('Z', '')] : [];
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        const text = rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(text, /Index Scan using "?ApiToken_lastUsedAt_createdAt_id_idx"?/, `${sql}\n${text}`);
        assert.doesNotMatch(text, /Sort/, `no sort: ${sql}\n${text}`);
      }
    } finally {
      await client.end();
    }
  });
});
