// The overview's ranking of a period's tokens (UsageQueries.rankTokens): the period's rollups
// summed per token by the database, ranked here. Over all tokens, the sums of the days before the
// period's last are kept between calls while each of those days' totals in the per-day table is
// what it was, which is exact because the writer adds a batch to a token's day and to that day's
// total in one transaction (docs/usage-rollups.md); a call reads those totals and the last day's
// rows, in one statement (one snapshot). An owner's tokens, fewer, are summed on every call.
// Each set of per-token sums comes back as one text value ("id:requests:errors,…", joined by the
// database): one row instead of one per token, whose reading through Prisma costs more than
// the query (token ids are cuids, without ':' or ',').
import { Prisma, type PrismaClient } from '@prisma/client';
import type { TokenRank, TokenRefRow } from '../core/store.js';
import { DAY_TABLE, OUTCOMES, TOKEN_DAY_TABLE } from '../core/usage/columns.js';
import { DAY_MS, dayOf } from '../core/usage/day.js';
import { ERROR_OUTCOMES } from '../core/usage/usage-view.js';
import type { Dialect } from './dialect.js';

/** Past this many tokens in the earlier days, their sums are not kept (each costs ~100 bytes): summed on every call. */
const MAX_KEPT_TOKENS = 250_000;

interface Sum {
  requests: number;
  errors: number;
}
type Sums = Map<string, Sum>;
/**
 * "day": an earlier day's total (key: the day); "token": every token's sum over the earlier days,
 * "last": over the last day (or, for an owner, the period), each joined into key (null for none).
 */
type Row = { kind: 'token' | 'day' | 'last'; key: string | null; requests: number | bigint | null; errors: number | bigint | null };

/** The earlier days' sums, and the totals of those days they were read with. */
interface Kept {
  from: string;
  to: string;
  totals: string;
  sums: Sums;
}

const sumOf = (columns: readonly string[]) => Prisma.raw(columns.map((c) => `"${c}"`).join(' + '));
const REQUESTS = sumOf(OUTCOMES);
const ERRORS = sumOf(ERROR_OUTCOMES);
const TOKEN_DAYS = Prisma.raw(`"${TOKEN_DAY_TABLE}"`);
const DAYS = Prisma.raw(`"${DAY_TABLE}"`);

// Days bounded on both sides: with a lower bound only, SQLite's planner (without statistics, as
// a migrated database has none) reads every rollup row in token order, which groups them without
// a sort, instead of the period's rows from the (day, tokenId) index.

/** The statements, given how the database joins a group's values into one text. */
function statements(dialect: Dialect) {
  /** Each token's requests and errors, from a relation with "tokenId", "r" and "e", as one joined text. */
  const joined = Prisma.raw(dialect.joinWithCommas(`"tokenId" || ':' || "r" || ':' || "e"`));
  /** Each token's sums over the rollup rows that `where` picks, joined. */
  const perToken = (where: Prisma.Sql) => Prisma.sql`
    SELECT ${joined} FROM (SELECT "tokenId", SUM(${REQUESTS}) AS "r", SUM(${ERRORS}) AS "e" FROM ${TOKEN_DAYS} WHERE ${where} GROUP BY "tokenId") "s"`;

  /** The totals of the days [from, to], and every token's sum over the day `last`. */
  const checkSql = (from: string, to: string, last: string) => Prisma.sql`
    SELECT 'day' AS "kind", "day" AS "key", ${REQUESTS} AS "requests", ${ERRORS} AS "errors" FROM ${DAYS} WHERE "day" >= ${from} AND "day" <= ${to}
    UNION ALL
    SELECT 'last', (${perToken(Prisma.sql`"day" = ${last}`)}), NULL, NULL`;

  return {
    checkSql,
    /** As checkSql, and every token's sum over the days [from, to]. */
    fullSql: (from: string, to: string, last: string) => Prisma.sql`
      ${checkSql(from, to, last)}
      UNION ALL
      SELECT 'token', (${perToken(Prisma.sql`"day" >= ${from} AND "day" <= ${to}`)}), NULL, NULL`,
    /** One owner's tokens, each summed over the days [from, to]. */
    ownerSql: (from: string, to: string, ownerId: string) => Prisma.sql`
      SELECT 'last' AS "kind", (${perToken(
        Prisma.sql`"day" >= ${from} AND "day" <= ${to} AND "tokenId" IN (SELECT "id" FROM "ApiToken" WHERE "ownerId" = ${ownerId})`,
      )}) AS "key", NULL AS "requests", NULL AS "errors"`,
  };
}

/** The per-token sums joined into the row of this kind. */
function sumsOf(rows: Row[], kind: 'token' | 'last'): Sums {
  const sums: Sums = new Map();
  const joined = rows.find((row) => row.kind === kind)?.key;
  if (!joined) return sums;
  for (const entry of joined.split(',')) {
    const [tokenId, requests, errors] = entry.split(':');
    sums.set(tokenId!, { requests: Number(requests), errors: Number(errors) });
  }
  return sums;
}

const totalsOf = (rows: Row[]) =>
  rows
    .filter((row) => row.kind === 'day')
    .map((row) => `${row.key}=${Number(row.requests ?? 0)}`)
    .sort()
    .join(',');

interface Ranked extends Sum {
  tokenId: string;
}

/** Most requests first; then by id, so that ties always come out in the same order. */
const byTraffic = (a: Ranked, b: Ranked) => b.requests - a.requests || (a.tokenId < b.tokenId ? -1 : 1);
/** Highest error rate first; then most requests, then id. */
const byErrorRate = (a: Ranked, b: Ranked) => b.errors / b.requests - a.errors / a.requests || byTraffic(a, b);

/** The first `limit` of what is offered, in `order`: one pass, no sort of them all. */
class First {
  readonly items: Ranked[] = [];
  constructor(
    private readonly limit: number,
    private readonly order: (a: Ranked, b: Ranked) => number,
  ) {}

  offer(item: Ranked): void {
    const { items, limit, order } = this;
    if (items.length === limit && order(item, items[limit - 1]!) >= 0) return;
    let at = items.length;
    while (at > 0 && order(item, items[at - 1]!) < 0) at--;
    items.splice(at, 0, { ...item });
    if (items.length > limit) items.pop();
  }
}

/**
 * Both lists over the tokens of `parts` (each token's sums over all of them added up), passing
 * over those in `gone`. One pass, and one object reused for the token in hand.
 */
function rank(parts: Sums[], gone: ReadonlySet<string>, limit: number, minRequestsForErrorRate: number): { traffic: Ranked[]; errors: Ranked[] } {
  const traffic = new First(limit, byTraffic);
  const errors = new First(limit, byErrorRate);
  const item: Ranked = { tokenId: '', requests: 0, errors: 0 };
  for (let i = 0; i < parts.length; i++) {
    for (const [tokenId, sum] of parts[i]!) {
      if (gone.has(tokenId)) continue;
      let counted = false;
      for (let j = 0; j < i && !counted; j++) counted = parts[j]!.has(tokenId);
      if (counted) continue;
      item.tokenId = tokenId;
      item.requests = sum.requests;
      item.errors = sum.errors;
      for (let j = i + 1; j < parts.length; j++) {
        const more = parts[j]!.get(tokenId);
        if (more) {
          item.requests += more.requests;
          item.errors += more.errors;
        }
      }
      traffic.offer(item);
      if (item.requests >= minRequestsForErrorRate && item.errors > 0) errors.offer(item);
    }
  }
  return { traffic: traffic.items, errors: errors.items };
}

/** A TokenRefRow's columns. */
export const tokenRefSelect = { id: true, name: true, lastUsedAt: true } as const;

/** rankTokens over this client, keeping the earlier days' sums over all tokens between calls. */
export function tokenRanking(prisma: PrismaClient, dialect: () => Dialect) {
  let kept: Kept | null = null;
  let sql: ReturnType<typeof statements> | null = null;

  /** The sums of the days [fromDay, toDay]: the kept earlier days' and the last day's, or the owner's. */
  async function periodSums(fromDay: string, toDay: string, ownerId: string | null): Promise<Sums[]> {
    const { checkSql, fullSql, ownerSql } = (sql ??= statements(dialect()));
    if (ownerId !== null) return [sumsOf(await prisma.$queryRaw<Row[]>(ownerSql(fromDay, toDay, ownerId)), 'last')];
    const to = dayOf(Date.parse(`${toDay}T00:00:00Z`) - DAY_MS);
    const previous = kept?.from === fromDay && kept.to === to ? kept : null;
    if (previous) {
      const rows = await prisma.$queryRaw<Row[]>(checkSql(fromDay, to, toDay));
      if (totalsOf(rows) === previous.totals) return [previous.sums, sumsOf(rows, 'last')];
    }
    const rows = await prisma.$queryRaw<Row[]>(fullSql(fromDay, to, toDay));
    const earlier: Kept = { from: fromDay, to, totals: totalsOf(rows), sums: sumsOf(rows, 'token') };
    kept = earlier.sums.size <= MAX_KEPT_TOKENS ? earlier : null;
    return [earlier.sums, sumsOf(rows, 'last')];
  }

  return async function rankTokens(
    fromDay: string,
    toDay: string,
    ownerId: string | null,
    limit: number,
    minRequestsForErrorRate: number,
  ): Promise<TokenRank[]> {
    const parts = await periodSums(fromDay, toDay, ownerId);
    // A token deleted since its requests were counted is passed over, and the next one ranked in its place.
    const gone = new Set<string>();
    for (;;) {
      const { traffic, errors } = rank(parts, gone, limit, minRequestsForErrorRate);
      const ids = [...new Set([...traffic, ...errors].map((t) => t.tokenId))];
      // The tokens through Prisma, which reads each database's timestamps alike.
      const tokens: TokenRefRow[] = ids.length === 0 ? [] : await prisma.apiToken.findMany({ where: { id: { in: ids } }, select: tokenRefSelect });
      const byId = new Map(tokens.map((token) => [token.id, token]));
      const missing = ids.filter((id) => !byId.has(id));
      if (missing.length === 0) {
        const ranks = (list: TokenRank['list'], ranked: Ranked[]) =>
          ranked.map((t) => ({ list, token: byId.get(t.tokenId)!, requests: t.requests, errors: t.errors }));
        return [...ranks('traffic', traffic), ...ranks('errors', errors)];
      }
      for (const id of missing) {
        gone.add(id);
        // Deleted for good: no longer worth keeping.
        kept?.sums.delete(id);
      }
    }
  };
}
