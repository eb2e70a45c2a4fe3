/**
 * The overview's token queries at the edges: the four counts of one statement agree with the
 * token list's per-status filters (statusWhere) and with core's tokenStatus, at the boundaries;
 * the idle lists are read in the order of their index, without sorting the tokens.
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
