import type { TokenServiceDeps } from './context.js';
import { ApiAccessError } from './errors.js';
import { UniqueViolation, type StoreTransaction } from './store.js';

/** The NAME_TAKEN message for a token name that a concurrent change took first. */
const TOKEN_NAME_TAKEN = 'A token with this name already exists. Choose another name.';

/**
 * Runs a change in a transaction of its own (run again when it meets another's, see
 * TokenStore.transaction), turning a clash on a unique name into NAME_TAKEN with this message.
 */
export async function changeTransaction<T>(deps: TokenServiceDeps, work: (tx: StoreTransaction) => Promise<T>, nameTaken = TOKEN_NAME_TAKEN): Promise<T> {
  try {
    return await deps.store.transaction(work);
  } catch (error) {
    if (error instanceof UniqueViolation && error.column.includes('name')) throw ApiAccessError.field('name', 'NAME_TAKEN', nameTaken);
    throw error;
  }
}
