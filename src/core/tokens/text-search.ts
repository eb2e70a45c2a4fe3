import { Prisma, type PrismaClient } from '@prisma/client';
import { ApiAccessError } from '../errors.js';

/** The most tokens a text search with % _ or \ in it may match (see textContaining). */
export const MAX_WILDCARD_SEARCH_MATCHES = 900;

/** The columns the list searches by substring, and the query field each answers to (for errors). */
export const SEARCHABLE = { name: { field: 'search', label: 'name' }, ownerEmail: { field: 'ownerEmail', label: "owner's e-mail" } } as const;

/**
 * The condition "this column contains `text`, ignoring case", the same on every database.
 *
 * Prisma's `contains` is a LIKE: case-insensitive on SQLite but not on PostgreSQL (where it
 * takes `mode: 'insensitive'`, which the SQLite client refuses), and unescaped, so % and _ in
 * the text would be wildcards. So: `contains`, with the mode where the database's LIKE tells
 * case apart, when the text has none of % _ \; else the ids of the matching tokens (of this
 * owner, when given), found by a standard-SQL LIKE with an ESCAPE, which go to the list's queries
 * as parameters (Prisma allows 999 a statement on SQLite): such a search matching more than
 * MAX_WILDCARD_SEARCH_MATCHES tokens is refused with a message, before the database would fail.
 */
export async function textContaining(
  prisma: PrismaClient,
  column: keyof typeof SEARCHABLE,
  text: string,
  ownerId: string | undefined,
): Promise<Prisma.ApiTokenWhereInput> {
  if (!/[%_\\]/.test(text)) {
    const mode = (await likeIsCaseSensitive(prisma)) ? { mode: 'insensitive' } : {};
    return { [column]: { contains: text, ...mode } as Prisma.StringFilter<'ApiToken'> };
  }
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // The column is one of SEARCHABLE's keys, never input.
  const conditions = [Prisma.sql`lower(${Prisma.raw(`"${column}"`)}) LIKE ${pattern} ESCAPE '\\'`];
  if (ownerId !== undefined) conditions.push(Prisma.sql`"ownerId" = ${ownerId}`);
  // One Prisma.sql passed as an argument, as the request-log list does: a fragment of this
  // module's Prisma inside the PostgreSQL client's own tagged template would be bound as a value.
  const rows = await prisma.$queryRaw<Array<{ id: string }>>(
    Prisma.sql`SELECT "id" FROM "ApiToken" WHERE ${Prisma.join(conditions, ' AND ')} LIMIT ${MAX_WILDCARD_SEARCH_MATCHES + 1}`,
  );
  if (rows.length > MAX_WILDCARD_SEARCH_MATCHES) {
    const { field, label } = SEARCHABLE[column];
    throw ApiAccessError.field(
      field,
      'SEARCH_TOO_BROAD',
      `More than ${MAX_WILDCARD_SEARCH_MATCHES} tokens have "${text}" in their ${label}: type more of it, or pick an owner.`,
    );
  }
  return { id: { in: rows.map((row) => row.id) } };
}

/** The probe's answer per client: one database each. */
const likeCaseSensitive = new WeakMap<PrismaClient, Promise<boolean>>();

/** Asked of the database once: PostgreSQL's LIKE tells 'A' from 'a', SQLite's does not. */
function likeIsCaseSensitive(prisma: PrismaClient): Promise<boolean> {
  let answer = likeCaseSensitive.get(prisma);
  if (answer) return answer;
  answer = prisma
    .$queryRaw<Array<{ folds: unknown }>>`SELECT CASE WHEN 'A' LIKE 'a' THEN 1 ELSE 0 END AS "folds"`
    .then(([row]) => Number(row?.folds) !== 1);
  likeCaseSensitive.set(prisma, answer);
  // A failed probe (database down) is asked again next time.
  answer.catch(() => likeCaseSensitive.delete(prisma));
  return answer;
}
