import type { ResolvedActor } from './access.js';
import type { TokenServiceDeps } from './context.js';
import { grantTokenAdmin } from './grants/grant.js';
import { resolveActor } from './grants/resolve-actor.js';
import { revokeTokenAdmin } from './grants/revoke.js';
import { requestLogPages } from './request-logs/export.js';
import { listRequestLogs, type RequestLogPage } from './request-logs/list.js';
import { usageOverview } from './usage/overview.js';
import { tokenUsage } from './usage/token-usage.js';
import type { TokenUsage, UsageOverview } from './usage/usage-view.js';
import { createRole } from './roles/create.js';
import { deleteRole } from './roles/delete.js';
import { editRole } from './roles/edit.js';
import { listRoles } from './roles/list.js';
import { createToken } from './tokens/create.js';
import { bulkDeleteTokens, deleteToken } from './tokens/delete.js';
import { type DeletedTokenView, deletedToken } from './tokens/deleted.js';
import { editToken } from './tokens/edit.js';
import { setTokenEnabled } from './tokens/enable-disable.js';
import { getToken } from './tokens/get.js';
import { listTokens, type TokenPage } from './tokens/list.js';
import { regenerateToken } from './tokens/regenerate.js';
import { rotateToken } from './tokens/rotate.js';
import { syncUserEmail, type EmailSyncResult } from './users/sync-email.js';
import type { ActorInput, IssuedToken, RequestLogView, RoleView, TokenView } from './types.js';
import { checkedActor } from './user-id.js';

export type { TokenServiceDeps } from './context.js';
export type { DeletedTokenView } from './tokens/deleted.js';
export type { ListTokensQuery, TokenPage } from './tokens/list.js';
export type { RequestLogPage } from './request-logs/list.js';
export type { TokenRef, TokenUsage, UsageDay, UsageOverview, UsageTotals } from './usage/usage-view.js';
export type { EmailSyncResult } from './users/sync-email.js';

/**
 * Every operation on tokens, roles and the token-admin grant, one method each. Each operation
 * lives in its own file (tokens/, roles/, grants/, request-logs/, users/): it validates its
 * input, checks the actor's rights on the server, runs in one transaction with its audit event,
 * and tells the verification caches what changed. This class only holds the dependencies.
 */
export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  // Every method takes the actor as host code may give it (an Int id as a number): its id is
  // made text once here, so that each operation sees one form of it.

  /** Adds the server-side token-admin grant to what the host says about the actor. */
  async resolveActor(actor: ActorInput): Promise<ResolvedActor> {
    return resolveActor(this.deps, checkedActor(actor));
  }

  // Tokens: tokens/*.ts

  async create(actor: ActorInput, raw: unknown): Promise<IssuedToken> {
    return createToken(this.deps, checkedActor(actor), raw);
  }

  /** New secret, same id and permissions. With a grace period the old secret works a while longer. */
  async rotate(actor: ActorInput, rawId: unknown, rawOptions: unknown = {}): Promise<IssuedToken> {
    return rotateToken(this.deps, checkedActor(actor), rawId, rawOptions);
  }

  /** New secret that fully replaces the old one, with a new expiry. */
  async regenerate(actor: ActorInput, rawId: unknown, rawOptions: unknown): Promise<IssuedToken> {
    return regenerateToken(this.deps, checkedActor(actor), rawId, rawOptions);
  }

  async enable(actor: ActorInput, rawId: unknown): Promise<TokenView> {
    return setTokenEnabled(this.deps, checkedActor(actor), rawId, true);
  }

  async disable(actor: ActorInput, rawId: unknown): Promise<TokenView> {
    return setTokenEnabled(this.deps, checkedActor(actor), rawId, false);
  }

  /**
   * Edits name, description, tags, roles and IP ranges under the deployment's edit policy.
   * Under "invalidate-secret" the old secret stops working and the new one is returned once.
   */
  async edit(actor: ActorInput, rawId: unknown, raw: unknown): Promise<{ token: TokenView; secret?: string }> {
    return editToken(this.deps, checkedActor(actor), rawId, raw);
  }

  /** Deletes at once and for good: the next request with the token is refused. */
  async delete(actor: ActorInput, rawId: unknown): Promise<void> {
    return deleteToken(this.deps, checkedActor(actor), rawId);
  }

  /** All or nothing: if any token is missing or not the actor's to delete, none is deleted. */
  async bulkDelete(actor: ActorInput, rawIds: unknown): Promise<{ deleted: number }> {
    return bulkDeleteTokens(this.deps, checkedActor(actor), rawIds);
  }

  async get(actor: ActorInput, rawId: unknown): Promise<TokenView> {
    return getToken(this.deps, checkedActor(actor), rawId);
  }

  /** A deleted token's name, and when and by whom it was deleted, for those who could manage it; else null. */
  async deleted(actor: ActorInput, rawId: unknown): Promise<DeletedTokenView | null> {
    return deletedToken(this.deps, checkedActor(actor), rawId);
  }

  async list(actor: ActorInput, rawQuery: unknown = {}): Promise<TokenPage> {
    return listTokens(this.deps, checkedActor(actor), rawQuery);
  }

  // Request logs: request-logs/list.ts

  /** Request logs, newest first: all of them for token admins, else only those of the actor's own tokens. */
  async listRequestLogs(actor: ActorInput, rawQuery: unknown = {}): Promise<RequestLogPage> {
    return listRequestLogs(this.deps, checkedActor(actor), rawQuery);
  }

  /** The same logs under `rawFilter` ({ tokenId, from, to }), newest first, read a page at a time as they are consumed (an export). */
  async requestLogPages(actor: ActorInput, rawFilter: unknown = {}, pageSize?: number): Promise<AsyncIterable<RequestLogView[]>> {
    return requestLogPages(this.deps, checkedActor(actor), rawFilter, pageSize);
  }

  // Usage, from the rollups: usage/*.ts

  /** A token's requests per day over the last 30 or 90 days (`{ days: 30 | 90 }`), with totals. */
  async tokenUsage(actor: ActorInput, rawTokenId: unknown, rawOptions: unknown = {}): Promise<TokenUsage> {
    return tokenUsage(this.deps, checkedActor(actor), rawTokenId, rawOptions);
  }

  /** Counts by status, unused tokens, the week's top tokens and 30 days of traffic (`{ now? }`). */
  async usageOverview(actor: ActorInput, rawOptions: unknown = {}): Promise<UsageOverview> {
    return usageOverview(this.deps, checkedActor(actor), rawOptions);
  }

  // Roles: roles/*.ts

  listRoles(): Promise<RoleView[]> {
    return listRoles(this.deps);
  }

  async createRole(actor: ActorInput, raw: unknown): Promise<RoleView> {
    return createRole(this.deps, checkedActor(actor), raw);
  }

  async editRole(actor: ActorInput, rawId: unknown, raw: unknown): Promise<RoleView> {
    return editRole(this.deps, checkedActor(actor), rawId, raw);
  }

  async deleteRole(actor: ActorInput, rawId: unknown): Promise<void> {
    return deleteRole(this.deps, checkedActor(actor), rawId);
  }

  // Users: users/sync-email.ts

  /**
   * Brings the stored copies of a user's e-mail address (on their tokens and their grant) up to
   * the user directory's; returns how many changed. See syncUserEmail.
   */
  syncUserEmail(rawUserId: unknown): Promise<EmailSyncResult> {
    return syncUserEmail(this.deps, rawUserId);
  }

  // The token-admin grant: grants/*.ts

  async grantTokenAdmin(actor: ActorInput, rawUserId: unknown): Promise<void> {
    return grantTokenAdmin(this.deps, checkedActor(actor), rawUserId);
  }

  async revokeTokenAdmin(actor: ActorInput, rawUserId: unknown): Promise<void> {
    return revokeTokenAdmin(this.deps, checkedActor(actor), rawUserId);
  }
}
