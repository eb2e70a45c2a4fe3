import { Prisma, type PrismaClient } from '@prisma/client';
import { SearchTooBroad, type SearchableColumn, type TokenListQuery, type TokenRecord } from '../core/store.js';
import type { TokenStatus } from '../core/types.js';
import type { Dialect } from './dialect.js';
import { tokenInclude, tokenRecord } from './records.js';

/** The most tokens a text search with % _ or \ in it may match (see textContaining). */
export const MAX_WILDCARD_SEARCH_MATCHES = 900;

/** The Prisma filter for tokens in one status at `now`: must agree with core's tokenStatus. */
export function statusWhere(status: TokenStatus, now: Date) {
  switch (status) {
    case 'disabled':
      return { enabled: false };
    case 'expired':
      return { enabled: true, expiresAt: { lte: now } };
    case 'active':
      return { enabled: true, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  }
}

/** statusWhere as an SQL condition on "ApiToken", for several statuses counted in one statement: must agree with it. */
export function statusSql(status: TokenStatus, now: Date): Prisma.Sql {
  switch (status) {
    case 'disabled':
      return Prisma.sql`"enabled" = FALSE`;
    case 'expired':
      return Prisma.sql`("enabled" = TRUE AND "expiresAt" <= ${now})`;
    case 'active':
      return Prisma.sql`("enabled" = TRUE AND ("expiresAt" IS NULL OR "expiresAt" > ${now}))`;
  }
}

/** One page of tokens and the count of all that match. */
export async function listTokens(prisma: PrismaClient, dialect: Dialect, query: TokenListQuery): Promise<{ total: number; rows: TokenRecord[] }> {
  // Each text condition may be an id list, and a status sets expiresAt too: AND keeps them apart.
  const texts: Prisma.ApiTokenWhereInput[] = [];
  for (const column of ['name', 'ownerEmail'] as const) {
    const text = query.contains[column];
    if (text) texts.push(await textContaining(prisma, dialect, column, text, query.ownerId));
  }
  const { from, to } = query.expires ?? {};
  if (from || to) texts.push({ expiresAt: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}), not: null } });
  const where: Prisma.ApiTokenWhereInput = {
    ...(query.status ? statusWhere(query.status.status, query.status.now) : {}),
    ...(query.roleId ? { roles: { some: { roleId: query.roleId } } } : {}),
    ...(query.tag ? { tags: { some: { tag: query.tag } } } : {}),
    ...(texts.length > 0 ? { AND: texts } : {}),
    ownerId: query.ownerId,
  };
  const [total, rows] = await Promise.all([
    prisma.apiToken.count({ where }),
    prisma.apiToken.findMany({
      where,
      include: tokenInclude,
      orderBy: [{ [query.sortBy]: query.direction }, { id: 'asc' }],
      skip: query.skip,
      take: query.take,
    }),
  ]);
  return { total, rows: rows.map(tokenRecord) };
}

/**
 * The condition "this column contains `text`, ignoring case", the same on every database.
 *
 * Prisma's `contains` is a LIKE: case-insensitive on SQLite but not on PostgreSQL (where it
 * takes `mode: 'insensitive'`, which the SQLite client refuses), and unescaped, so % and _ in
 * the text would be wildcards. So: `contains`, with the mode where the dialect's LIKE tells case
 * apart, when the text has none of % _ \; else the ids of the matching tokens (of this owner,
 * when given), found by a standard-SQL LIKE with an ESCAPE, which go to the list's queries as
 * parameters (Prisma allows 999 a statement on SQLite): such a search matching more than
 * MAX_WILDCARD_SEARCH_MATCHES tokens is SearchTooBroad, before the database would fail.
 */
async function textContaining(
  prisma: PrismaClient,
  dialect: Dialect,
  column: SearchableColumn,
  text: string,
  ownerId: string | undefined,
): Promise<Prisma.ApiTokenWhereInput> {
  if (!/[%_\\]/.test(text)) {
    const mode = dialect.likeIsCaseSensitive ? { mode: 'insensitive' } : {};
    return { [column]: { contains: text, ...mode } as Prisma.StringFilter<'ApiToken'> };
  }
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // The column is a SearchableColumn, never input.
  const conditions = [Prisma.sql`lower(${Prisma.raw(`"${column}"`)}) LIKE ${pattern} ESCAPE '\\'`];
  if (ownerId !== undefined) conditions.push(Prisma.sql`"ownerId" = ${ownerId}`);
  // One Prisma.sql passed as an argument: the PostgreSQL client is generated separately, with its
  // own Sql class, and would take a fragment of this module's Prisma in a tagged template for a bound value.
  const rows = await prisma.$queryRaw<Array<{ id: string }>>(
    Prisma.sql`SELECT "id" FROM "ApiToken" WHERE ${Prisma.join(conditions, ' AND ')} LIMIT ${MAX_WILDCARD_SEARCH_MATCHES + 1}`,
  );
  if (rows.length > MAX_WILDCARD_SEARCH_MATCHES) throw new SearchTooBroad(column, MAX_WILDCARD_SEARCH_MATCHES);
  return { id: { in: rows.map((row) => row.id) } };
}
