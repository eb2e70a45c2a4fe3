/**
 * The overview's token queries: the idle lists are read in the order of their index, without
 * sorting the tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PrismaClient } from '@prisma/client';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createHostDatabase, onPostgres, type TestDatabase } from '../helpers/database.js';
import { pg } from '../helpers/postgres.js';

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 11, 6, 12, 0, 0, 0));
const BY = new Date(NOW.getTime() + 30 * DAY);
const ms = (offset: number) => new Date(NOW.getTime() + offset);

/** Each token: owner, enabled, expiry. */
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
