import type { TokenServiceDeps } from './context.js';
import { fieldError, type ApiAccessError } from './errors.js';
import { UniqueViolation, type StoreTransaction } from './store.js';

/** The NAME_TAKEN error for a token name that a concurrent change took first. */
const tokenNameTaken = (): ApiAccessError => fieldError('name', 'tokenNameTakenMeanwhile');

/**
 * Runs a change in a transaction of its own (run again when it meets another's, see
 * TokenStore.transaction), turning a clash on a unique name into the NAME_TAKEN error `nameTaken` makes.
 */
export async function changeTransaction<T>(
  deps: TokenServiceDeps,
  work: (tx: StoreTransaction) => Promise<T>,
  nameTaken: () => ApiAccessError = tokenNameTaken,
): Promise<T> {
  try {
    return await deps.store.transaction(work);
  } catch (error) {
    if (error instanceof UniqueViolation && error.column.includes('name')) throw nameTaken();
    throw error;
  }
}
