/**
 * True for a Prisma "known request error" with this code (e.g. P2002, unique constraint), from
 * any generated client. `instanceof Prisma.PrismaClientKnownRequestError` is not enough: each
 * generated client bundles its own runtime, so an error from a host's second client (e.g. one
 * generated for PostgreSQL beside one for SQLite) is not an instance of '@prisma/client''s class.
 */
export function isPrismaKnownError(error: unknown, code: string): error is Error & { code: string; meta?: unknown } {
  return error instanceof Error && error.name === 'PrismaClientKnownRequestError' && (error as { code?: unknown }).code === code;
}
