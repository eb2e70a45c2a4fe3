/**
 * Why the example host (or its migration) could not start, in one line fit for a person: the
 * system's own reason for a file or network error, the last line of a multi-line library error
 * (Prisma's first lines name the call, its last the cause), never a stack trace.
 */
export function startFailure(error: unknown): string {
  const {
    code,
    address,
    port,
    path: file,
    syscall,
  } = (error ?? {}) as { code?: unknown; address?: unknown; port?: unknown; path?: unknown; syscall?: unknown };
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') {
    return `the database at ${String(address ?? '?')}:${String(port ?? '?')} is unreachable (${code}): is it running, and are DATABASE_URL's host and port right?`;
  }
  if (code === 'ENOTFOUND')
    return `the database host ${String((error as { hostname?: unknown }).hostname ?? '')} is not known (ENOTFOUND): check DATABASE_URL.`;
  if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EPERM') {
    return `cannot ${String(syscall ?? 'write')} ${String(file ?? '')} (${code}): the data folder must be writable by this user.`;
  }
  if (cause && cause !== error && !(error instanceof Error && error.message.trim())) return startFailure(cause);
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const last = (lines.at(-1) ?? (error instanceof Error ? error.name : 'unknown error')).slice(0, 300);
  return /does not exist/i.test(last) ? `${last} Run \`npm run db:migrate\` first (npm start does).` : last;
}
