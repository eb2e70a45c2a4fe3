/**
 * True for a Prisma "known request error" with this code (e.g. P2002, unique constraint), from
 * any generated client. `instanceof Prisma.PrismaClientKnownRequestError` is not enough: each
 * generated client bundles its own runtime, so an error from a host's second client (e.g. one
 * generated for PostgreSQL beside one for SQLite) is not an instance of '@prisma/client''s class.
 */
export function isPrismaKnownError(error: unknown, code: string): error is Error & { code: string; meta?: unknown } {
  return error instanceof Error && error.name === 'PrismaClientKnownRequestError' && (error as { code?: unknown }).code === code;
}

/** The driver's own error code of a failed raw query (P2010), as the driver adapter reports it. */
export function rawQueryDriverCode(meta: unknown): string | undefined {
  const code = (meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause?.originalCode;
  return typeof code === 'string' ? code : undefined;
}

/** The columns of a unique constraint a Prisma P2002 error names, however the client reports them. */
export function uniqueViolationFields(error: { meta?: unknown }): string[] {
  const target = (error.meta as { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } | undefined) ?? {};
  const fields = Array.isArray(target.target) ? target.target : (target.driverAdapterError?.cause?.constraint?.fields ?? [String(target.target ?? '')]);
  return fields.map((f) => String(f).replaceAll('"', ''));
}
