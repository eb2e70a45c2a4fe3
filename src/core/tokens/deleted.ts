import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import { parseId } from '../inputs.js';
import type { Actor } from '../types.js';

/** What the page of a deleted token may say about it. */
export interface DeletedTokenView {
  name: string;
  deletedAt: Date;
  deletedByEmail: string;
}

/**
 * A token that no longer exists, as its audit trail tells it: its name, and when and by whom it
 * was deleted. Told only to those who could have managed it (super admins and its owner at the
 * time); null for anyone else, and when no deletion of that id is on record.
 */
export async function deletedToken(deps: TokenServiceDeps, actorIn: Actor, rawId: unknown): Promise<DeletedTokenView | null> {
  const id = parseId(rawId);
  const deletion = await deps.store.lastDeletion(id);
  if (!deletion) return null;
  const actor = await resolveActor(deps, actorIn);
  if (!actor.isSuperAdmin && deletion.ownerEmail !== actor.email) return null;
  return { name: deletion.tokenName ?? 'Deleted token', deletedAt: deletion.at, deletedByEmail: deletion.byEmail };
}
