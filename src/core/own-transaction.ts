/**
 * inOwnTransaction lives with the store (src/store/own-transaction.ts), which owns each
 * database's retry rule; the request-log writer and its retention job import it from here.
 */
export { inOwnTransaction } from '../store/own-transaction.js';
