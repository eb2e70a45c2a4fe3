import type { TokenServiceDeps } from '../context.js';
import { parseUserId } from '../user-id.js';

/** How many stored copies of the address changed: on owned tokens, on tokens made, on the grant. */
export interface EmailSyncResult {
  owned: number;
  created: number;
  grant: number;
}

/**
 * Brings the copies of a user's e-mail address up to the one the user directory gives now: on
 * the tokens they own and the ones they made, and on their token-admin grant. A token keeps the
 * addresses of its owner and author as they were when it was made (the lists show and filter
 * them without asking the host for every row), so a host calls this after it changes a user's
 * address. Only the directory's word is copied, never a caller's; a user it does not find
 * (deleted, disabled) changes nothing. Not a change to any token: no audit event, `updatedAt`
 * kept, and API requests see the new address on their token (req.apiToken.ownerEmail) once the
 * verification cache reloads it (at most cacheTtlMs).
 */
export async function syncUserEmail(deps: TokenServiceDeps, rawUserId: unknown): Promise<EmailSyncResult> {
  const userId = parseUserId(rawUserId, 'userId');
  const user = await deps.users.findById(userId);
  if (!user) return { owned: 0, created: 0, grant: 0 };
  return deps.store.syncUserEmail(userId, user.email);
}
