import { ApiAccessError } from './errors.js';
import type { TokenServiceDeps, Tx } from './context.js';
import { inOwnTransaction } from './own-transaction.js';
import { isPrismaKnownError } from './prisma-errors.js';

/** The NAME_TAKEN message for a token name that a concurrent change took first. */
const TOKEN_NAME_TAKEN = 'A token with this name already exists. Choose another name.';

function isUniqueViolation(error: unknown, field: string): boolean {
  if (!isPrismaKnownError(error, 'P2002')) return false;
  const target = (error.meta as { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } | undefined) ?? {};
  const fields = Array.isArray(target.target)
    ? target.target
    : (target.driverAdapterError?.cause?.constraint?.fields ?? [String(target.target ?? '')]);
  return fields.some((f) => String(f).replaceAll('"', '').includes(field));
}

/**
 * Runs a change in a transaction of its own, run again when it meets another's (see
 * inOwnTransaction), turning a clash on a unique name into NAME_TAKEN with this message.
 */
export async function changeTransaction<T>(deps: TokenServiceDeps, work: (tx: Tx) => Promise<T>, nameTaken = TOKEN_NAME_TAKEN): Promise<T> {
  try {
    return await inOwnTransaction(deps.prisma, work);
  } catch (error) {
    if (isUniqueViolation(error, 'name')) throw ApiAccessError.field('name', 'NAME_TAKEN', nameTaken);
    throw error;
  }
}
