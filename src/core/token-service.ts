import { Prisma, type PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { assertCanManageTokensOf, assertCanUseFeature, assertSuperAdmin, type AccessOptions, type ResolvedActor } from './access.js';
import { recordAudit } from './audit.js';
import { ApiAccessError } from './errors.js';
import type { TokenEvents, TokenChange } from './events.js';
import { hashToken } from './hashing.js';
import { inOwnTransaction } from './own-transaction.js';
import { isPrismaKnownError } from './prisma-errors.js';
import { FieldErrors, parseCreateInput, parseEditInput, parseId, parseIdList, parseWith, resolveExpiry } from './inputs.js';
import { SCOPE_PATTERN, type Policy } from './policy.js';
import { requestLogFilterSchema, requestLogWhere } from './request-log-query.js';
import { statusWhere } from './status.js';
import { generateToken, lastFourOf } from './token-format.js';
import { roleView, tokenInclude, toTokenView, type TokenRow } from './token-view.js';
import type { Actor, Clock, IssuedToken, RequestLogView, RoleView, TokenStatus, TokenView, UserDirectory } from './types.js';

type Tx = Prisma.TransactionClient;

export interface TokenServiceDeps {
  prisma: PrismaClient;
  pepper: string;
  tokenPrefix: string;
  policy: Policy;
  users: UserDirectory;
  access: AccessOptions;
  clock: Clock;
  events: TokenEvents;
}

export interface ListTokensQuery {
  status?: TokenStatus;
  roleId?: string;
  tag?: string;
  ownerId?: string;
  /** Case-insensitive substring of the owner's e-mail address (as stored when the token was created); matched as `search` is. */
  ownerEmail?: string;
  /** Case-insensitive substring of the name; every character, % and _ included, matches itself. */
  search?: string;
  /** Tokens expiring in this period (either end optional); tokens that never expire are left out. */
  expiresFrom?: Date | string;
  expiresTo?: Date | string;
  page?: number;
  perPage?: number;
  sortBy?: 'createdAt' | 'name' | 'expiresAt' | 'lastUsedAt';
  direction?: 'asc' | 'desc';
}

export interface TokenPage {
  items: TokenView[];
  total: number;
  page: number;
  perPage: number;
}

/** The most tokens a text search with % _ or \ in it may match (see textContaining). */
export const MAX_WILDCARD_SEARCH_MATCHES = 900;

/** The columns the list searches by substring, and the query field each answers to (for errors). */
const SEARCHABLE = { name: { field: 'search', label: 'name' }, ownerEmail: { field: 'ownerEmail', label: "owner's e-mail" } } as const;

const listQuerySchema = z
  .object({
    status: z.enum(['active', 'expired', 'disabled']).optional(),
    roleId: z.string().min(1).max(64).optional(),
    tag: z.string().trim().min(1).max(50).optional(),
    ownerId: z.string().min(1).max(64).optional(),
    ownerEmail: z.string().trim().min(1).max(254).optional(),
    search: z.string().max(100).optional(),
    expiresFrom: z.coerce.date({ error: 'The start of the expiry period must be a date.' }).optional(),
    expiresTo: z.coerce.date({ error: 'The end of the expiry period must be a date.' }).optional(),
    page: z.number().int().min(1).max(1_000_000).default(1),
    perPage: z.number().int().min(1).max(500).default(20),
    sortBy: z.enum(['createdAt', 'name', 'expiresAt', 'lastUsedAt']).default('createdAt'),
    direction: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

const requestLogQuerySchema = requestLogFilterSchema
  .extend({
    page: z.number().int().min(1).max(1_000_000).default(1),
    perPage: z.number().int().min(1).max(500).default(20),
  })
  .strict();

const roleInputSchema = z.object({
  name: z.string({ error: 'Role name is required.' }).trim().min(1, 'Role name is required.').max(100, 'Role name must be at most 100 characters.'),
  description: z.string().max(1000, 'Description must be at most 1000 characters.').default(''),
  scopes: z
    .array(z.string().trim().regex(SCOPE_PATTERN, 'Scopes are 1-64 lowercase letters, digits and _ . : - (e.g. vault-summary:read).'), {
      error: 'Scopes must be a list.',
    })
    .min(1, 'Give the role at least one scope.')
    .max(100, 'At most 100 scopes.')
    .transform((scopes) => [...new Set(scopes)].sort()),
});

const rotateSchema = z.object({ graceSeconds: z.number({ error: 'Grace period must be a number of seconds.' }).int().default(0) }).strict();

/** The columns a new secret sets: its hash, its last four characters, when it was issued. */
function newSecretFields(issued: { secretHash: string; lastFour: string }, now: Date) {
  return { secretHash: issued.secretHash, lastFour: issued.lastFour, secretIssuedAt: now };
}

/** NAME_TAKEN's message for a role name in use. */
function roleNameTaken(name: string): string {
  return `A role named "${name}" already exists.`;
}

function isUniqueViolation(error: unknown, field: string): boolean {
  if (!isPrismaKnownError(error, 'P2002')) return false;
  const target = (error.meta as { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } | undefined) ?? {};
  const fields = Array.isArray(target.target)
    ? target.target
    : (target.driverAdapterError?.cause?.constraint?.fields ?? [String(target.target ?? '')]);
  return fields.some((f) => String(f).replaceAll('"', '').includes(field));
}

/**
 * Every operation on tokens, roles and the token-admin grant. Each one validates its input,
 * checks the actor's rights on the server, runs in one transaction with its audit event, and
 * tells the verification caches what changed.
 */
export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  private get db(): PrismaClient {
    return this.deps.prisma;
  }

  private now(): Date {
    return this.deps.clock();
  }

  private view(row: TokenRow, now = this.now()): TokenView {
    return toTokenView(row, this.deps.tokenPrefix, now);
  }

  private issueSecret(): { secret: string; secretHash: string; lastFour: string } {
    const secret = generateToken(this.deps.tokenPrefix);
    return { secret, secretHash: hashToken(this.deps.pepper, secret), lastFour: lastFourOf(secret) };
  }

  private notify(tokenId: string, kind: TokenChange['kind']): void {
    this.deps.events.emit({ tokenId, kind });
  }

  /** Adds the server-side token-admin grant to what the host says about the actor. */
  async resolveActor(actor: Actor): Promise<ResolvedActor> {
    if (!actor.isSuperAdmin) return { ...actor, isTokenAdmin: false };
    const grant = await this.db.apiTokenAdminGrant.findUnique({ where: { userId: actor.id } });
    return { ...actor, isTokenAdmin: grant !== null };
  }

  /**
   * Serialises every change to one owner's tokens, on SQLite and PostgreSQL alike: the upsert
   * takes a row lock that a concurrent transaction for the same owner waits on.
   */
  private async lockOwner(tx: Tx, ownerId: string): Promise<void> {
    // One statement, so that two transactions creating an owner's first lock row never both
    // insert (Prisma's upsert may read first); standard SQL that SQLite and PostgreSQL both run.
    await tx.$executeRaw`INSERT INTO "ApiTokenOwnerLock" ("ownerId", "version") VALUES (${ownerId}, 1)
      ON CONFLICT ("ownerId") DO UPDATE SET "version" = "ApiTokenOwnerLock"."version" + 1`;
  }

  private async assertCapacity(tx: Tx, ownerId: string, now: Date, excludeTokenId?: string): Promise<void> {
    const active = await tx.apiToken.count({
      where: { ownerId, ...statusWhere('active', now), ...(excludeTokenId ? { id: { not: excludeTokenId } } : {}) },
    });
    const max = this.deps.policy.maxActiveTokensPerOwner;
    if (active >= max) {
      throw new ApiAccessError(
        'TOKEN_LIMIT_REACHED',
        `This owner already has ${active} active tokens, the most allowed is ${max}. Disable or delete one first.`,
      );
    }
  }

  private async assertNameFree(tx: Tx, name: string, exceptId?: string): Promise<void> {
    const clash = await tx.apiToken.findUnique({ where: { name }, select: { id: true } });
    if (clash && clash.id !== exceptId) {
      throw ApiAccessError.field('name', 'NAME_TAKEN', `A token named "${name}" already exists. Choose another name.`);
    }
  }

  private async loadRoles(tx: Tx, roleIds: string[]): Promise<RoleView[]> {
    const roles = await tx.apiRole.findMany({ where: { id: { in: roleIds } } });
    const missing = roleIds.filter((id) => !roles.some((role) => role.id === id));
    if (missing.length > 0) {
      throw ApiAccessError.field('roleIds', 'UNKNOWN_ROLE', `Unknown role id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
    }
    return roleIds.map((id) => roleView(roles.find((role) => role.id === id)!));
  }

  /** Loads a token the actor may manage, or says clearly why not. */
  private async loadManageable(actor: ResolvedActor, rawId: unknown): Promise<TokenRow> {
    assertCanUseFeature(actor, this.deps.access);
    const id = parseId(rawId);
    const row = await this.db.apiToken.findUnique({ where: { id }, include: tokenInclude });
    if (!row) throw ApiAccessError.field('id', 'NOT_FOUND', `No token with id ${id}. It may have been deleted.`);
    assertCanManageTokensOf(actor, row.ownerId, this.deps.access);
    return row;
  }

  private async reload(tx: Tx, id: string): Promise<TokenRow> {
    const row = await tx.apiToken.findUnique({ where: { id }, include: tokenInclude });
    if (!row) throw ApiAccessError.field('id', 'NOT_FOUND', `No token with id ${id}. It was deleted meanwhile.`);
    return row;
  }

  /**
   * Runs a change in a transaction of its own, run again when it meets another's (see
   * inOwnTransaction), turning a clash on a unique name into NAME_TAKEN with this message.
   */
  private async transaction<T>(work: (tx: Tx) => Promise<T>, nameTaken = 'A token with this name already exists. Choose another name.'): Promise<T> {
    try {
      return await inOwnTransaction(this.db, work);
    } catch (error) {
      if (isUniqueViolation(error, 'name')) throw ApiAccessError.field('name', 'NAME_TAKEN', nameTaken);
      throw error;
    }
  }

  async create(actorIn: Actor, raw: unknown): Promise<IssuedToken> {
    const actor = await this.resolveActor(actorIn);
    assertCanUseFeature(actor, this.deps.access);
    const now = this.now();
    const input = parseCreateInput(raw, this.deps.policy, now);
    const ownerId = input.ownerId ?? actor.id;
    let ownerEmail = actor.email;
    if (ownerId !== actor.id) {
      assertCanManageTokensOf(actor, ownerId, this.deps.access);
      const owner = await this.deps.users.findById(ownerId);
      if (!owner) throw ApiAccessError.field('ownerId', 'USER_NOT_FOUND', `No user with id ${ownerId}.`);
      if (owner.lastSignInAt === null) {
        throw ApiAccessError.field(
          'ownerId',
          'OWNER_NEVER_SIGNED_IN',
          `${owner.email} has never signed in. A token can only be created for a user who has signed in at least once.`,
        );
      }
      ownerEmail = owner.email;
    }
    const issued = this.issueSecret();
    const row = await this.transaction(async (tx) => {
      await this.lockOwner(tx, ownerId);
      const roles = await this.loadRoles(tx, input.roleIds);
      await this.assertNameFree(tx, input.name);
      await this.assertCapacity(tx, ownerId, now);
      const created = await tx.apiToken.create({
        data: {
          name: input.name,
          description: input.description,
          secretHash: issued.secretHash,
          lastFour: issued.lastFour,
          expiresAt: input.expiresAt,
          allowedIps: input.allowedIps,
          ownerId,
          ownerEmail,
          createdById: actor.id,
          createdByEmail: actor.email,
          createdAt: now,
          secretIssuedAt: now,
          tags: { create: input.tags.map((tag) => ({ tag })) },
          roles: {
            create: roles.map((role) => ({ roleId: role.id, assignedById: actor.id, assignedByEmail: actor.email, assignedAt: now })),
          },
        },
        include: tokenInclude,
      });
      await recordAudit(tx, actor, 'token.created', created, {
        owner: ownerEmail,
        roles: roles.map((r) => r.name),
        tags: input.tags,
        expiresAt: input.expiresAt?.toISOString() ?? 'never',
        allowedIps: input.allowedIps,
      }, now);
      return created;
    });
    this.notify(row.id, 'created');
    return { token: this.view(row, now), secret: issued.secret };
  }

  /** New secret, same id and permissions (seed 004). With a grace period the old secret works a while longer. */
  async rotate(actorIn: Actor, rawId: unknown, rawOptions: unknown = {}): Promise<IssuedToken> {
    const actor = await this.resolveActor(actorIn);
    const existing = await this.loadManageable(actor, rawId);
    const parsed = rotateSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw ApiAccessError.field('graceSeconds', 'INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Invalid grace period.');
    const { graceSeconds } = parsed.data;
    if (!this.deps.policy.rotationGraceSeconds.includes(graceSeconds)) {
      throw ApiAccessError.field('graceSeconds', 'INVALID_INPUT', `Choose a grace period of ${this.deps.policy.rotationGraceSeconds.join(', ')} seconds.`);
    }
    const now = this.now();
    return this.replaceSecret(actor, existing, 'rotated', now, async (current) => ({
      data: {
        previousSecretHash: graceSeconds > 0 ? current.secretHash : null,
        previousSecretExpiresAt: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
      },
      details: { graceSeconds },
    }));
  }

  /** New secret that fully replaces the old one, with a new expiry (seed 003). */
  async regenerate(actorIn: Actor, rawId: unknown, rawOptions: unknown): Promise<IssuedToken> {
    const actor = await this.resolveActor(actorIn);
    const existing = await this.loadManageable(actor, rawId);
    const now = this.now();
    const errors = new FieldErrors();
    const options = (typeof rawOptions === 'object' && rawOptions !== null ? rawOptions : {}) as { expiry?: unknown };
    if (options.expiry === undefined) errors.add('expiry', 'EXPIRY_REQUIRED', 'Regenerating a token needs a new expiry.');
    const expiresAt = options.expiry === undefined ? null : resolveExpiry(options.expiry, this.deps.policy, now, errors);
    errors.throwIfAny();
    return this.replaceSecret(actor, existing, 'regenerated', now, async (current, tx) => {
      if (current.enabled) await this.assertCapacity(tx, current.ownerId, now, current.id);
      return {
        data: { expiresAt, previousSecretHash: null, previousSecretExpiresAt: null },
        details: { expiresAt: [current.expiresAt?.toISOString() ?? 'never', expiresAt?.toISOString() ?? 'never'] },
      };
    });
  }

  /**
   * Gives a token a new secret, in one transaction under its owner's lock, with what `change`
   * adds from the token as it is now (the previous secret's grace, a new expiry) and records in
   * the audit event; the caches hear of it and the new secret is returned once.
   */
  private async replaceSecret(
    actor: ResolvedActor,
    existing: TokenRow,
    kind: 'rotated' | 'regenerated',
    now: Date,
    change: (current: TokenRow, tx: Tx) => Promise<{ data: Prisma.ApiTokenUpdateInput; details: Record<string, Prisma.InputJsonValue> }>,
  ): Promise<IssuedToken> {
    const issued = this.issueSecret();
    const row = await this.transaction(async (tx) => {
      await this.lockOwner(tx, existing.ownerId);
      const current = await this.reload(tx, existing.id);
      const { data, details } = await change(current, tx);
      const updated = await tx.apiToken.update({
        where: { id: current.id },
        data: { ...newSecretFields(issued, now), ...data },
        include: tokenInclude,
      });
      await recordAudit(tx, actor, `token.${kind}`, updated, { ...details, previousLastFour: current.lastFour, lastFour: issued.lastFour }, now);
      return updated;
    });
    this.notify(row.id, kind);
    return { token: this.view(row, now), secret: issued.secret };
  }

  async enable(actorIn: Actor, rawId: unknown): Promise<TokenView> {
    return this.setEnabled(actorIn, rawId, true);
  }

  async disable(actorIn: Actor, rawId: unknown): Promise<TokenView> {
    return this.setEnabled(actorIn, rawId, false);
  }

  private async setEnabled(actorIn: Actor, rawId: unknown, enabled: boolean): Promise<TokenView> {
    const actor = await this.resolveActor(actorIn);
    const existing = await this.loadManageable(actor, rawId);
    const now = this.now();
    const row = await this.transaction(async (tx) => {
      await this.lockOwner(tx, existing.ownerId);
      const current = await this.reload(tx, existing.id);
      if (current.enabled === enabled) {
        throw new ApiAccessError('INVALID_STATE', `Token "${current.name}" is already ${enabled ? 'enabled' : 'disabled'}.`);
      }
      if (enabled) await this.assertCapacity(tx, current.ownerId, now, current.id);
      const updated = await tx.apiToken.update({ where: { id: current.id }, data: { enabled }, include: tokenInclude });
      await recordAudit(tx, actor, enabled ? 'token.enabled' : 'token.disabled', updated, {}, now);
      return updated;
    });
    this.notify(row.id, enabled ? 'enabled' : 'disabled');
    return this.view(row, now);
  }

  /**
   * Edits name, description, tags, roles and IP ranges under the deployment's edit policy.
   * Under "invalidate-secret" the old secret stops working and the new one is returned once.
   */
  async edit(actorIn: Actor, rawId: unknown, raw: unknown): Promise<{ token: TokenView; secret?: string }> {
    const actor = await this.resolveActor(actorIn);
    const existing = await this.loadManageable(actor, rawId);
    const policy = this.deps.policy.editPolicy;
    if (policy === 'forbid') {
      throw new ApiAccessError('EDIT_FORBIDDEN', 'Tokens cannot be edited here. Create a new token with the settings you need, then delete this one.');
    }
    const input = parseEditInput(raw, this.deps.policy);
    if (Object.keys(input).length === 0) throw new ApiAccessError('INVALID_INPUT', 'Nothing to change: give at least one field.');
    const now = this.now();
    const issued = policy === 'invalidate-secret' ? this.issueSecret() : null;
    const row = await this.transaction(async (tx) => {
      await this.lockOwner(tx, existing.ownerId);
      const current = await this.reload(tx, existing.id);
      const changes: Record<string, [Prisma.InputJsonValue, Prisma.InputJsonValue]> = {};
      const data: Prisma.ApiTokenUpdateInput = {};
      if (input.name !== undefined && input.name !== current.name) {
        await this.assertNameFree(tx, input.name, current.id);
        data.name = input.name;
        changes.name = [current.name, input.name];
      }
      if (input.description !== undefined && input.description !== current.description) {
        data.description = input.description;
        changes.description = [current.description, input.description];
      }
      const currentIps = (current.allowedIps as string[] | null) ?? [];
      if (input.allowedIps !== undefined && JSON.stringify(input.allowedIps) !== JSON.stringify(currentIps)) {
        data.allowedIps = input.allowedIps;
        changes.allowedIps = [currentIps, input.allowedIps];
      }
      const currentTags = current.tags.map((t) => t.tag);
      if (input.tags !== undefined && JSON.stringify([...input.tags].sort()) !== JSON.stringify([...currentTags].sort())) {
        await tx.apiTokenTag.deleteMany({ where: { tokenId: current.id } });
        await tx.apiTokenTag.createMany({ data: input.tags.map((tag) => ({ tokenId: current.id, tag })) });
        changes.tags = [currentTags, input.tags];
      }
      if (input.roleIds !== undefined) {
        const roles = await this.loadRoles(tx, input.roleIds);
        const currentRoleIds = current.roles.map((r) => r.roleId);
        const removed = currentRoleIds.filter((id) => !input.roleIds!.includes(id));
        const added = input.roleIds.filter((id) => !currentRoleIds.includes(id));
        if (removed.length > 0 || added.length > 0) {
          await tx.apiTokenRole.deleteMany({ where: { tokenId: current.id, roleId: { in: removed } } });
          await tx.apiTokenRole.createMany({
            data: added.map((roleId) => ({ tokenId: current.id, roleId, assignedById: actor.id, assignedByEmail: actor.email, assignedAt: now })),
          });
          changes.roles = [current.roles.map((r) => r.role.name), roles.map((r) => r.name)];
        }
      }
      if (Object.keys(changes).length === 0) {
        throw new ApiAccessError('INVALID_INPUT', 'Nothing changed: the values given are the token\'s current values.');
      }
      if (issued) {
        Object.assign(data, { ...newSecretFields(issued, now), previousSecretHash: null, previousSecretExpiresAt: null });
      }
      await tx.apiToken.update({ where: { id: current.id }, data });
      const updated = await this.reload(tx, current.id);
      await recordAudit(tx, actor, 'token.edited', updated, { ...changes, secretInvalidated: issued !== null }, now);
      return updated;
    });
    this.notify(row.id, 'edited');
    const token = this.view(row, now);
    return issued ? { token, secret: issued.secret } : { token };
  }

  /** Deletes at once and for good: the next request with the token is refused. */
  async delete(actorIn: Actor, rawId: unknown): Promise<void> {
    const actor = await this.resolveActor(actorIn);
    const existing = await this.loadManageable(actor, rawId);
    await this.deleteRows(actor, [existing]);
  }

  /** All or nothing: if any token is missing or not the actor's to delete, none is deleted. */
  async bulkDelete(actorIn: Actor, rawIds: unknown): Promise<{ deleted: number }> {
    const actor = await this.resolveActor(actorIn);
    assertCanUseFeature(actor, this.deps.access);
    const ids = parseIdList(rawIds);
    const rows = await this.db.apiToken.findMany({ where: { id: { in: ids } }, include: tokenInclude });
    const missing = ids.filter((id) => !rows.some((row) => row.id === id));
    if (missing.length > 0) throw ApiAccessError.field('ids', 'NOT_FOUND', `No token with id ${missing.join(', ')}. Nothing was deleted.`);
    for (const row of rows) assertCanManageTokensOf(actor, row.ownerId, this.deps.access);
    await this.deleteRows(actor, rows);
    return { deleted: rows.length };
  }

  private async deleteRows(actor: ResolvedActor, rows: TokenRow[]): Promise<void> {
    const now = this.now();
    await this.transaction(async (tx) => {
      for (const ownerId of [...new Set(rows.map((r) => r.ownerId))].sort()) await this.lockOwner(tx, ownerId);
      const { count } = await tx.apiToken.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
      if (count !== rows.length) throw new ApiAccessError('INVALID_STATE', 'Some of these tokens were deleted meanwhile. Nothing was deleted; reload and try again.');
      for (const row of rows) {
        await recordAudit(tx, actor, 'token.deleted', row, { owner: row.ownerEmail, lastFour: row.lastFour }, now);
      }
    });
    for (const row of rows) this.notify(row.id, 'deleted');
  }

  async get(actorIn: Actor, rawId: unknown): Promise<TokenView> {
    const actor = await this.resolveActor(actorIn);
    return this.view(await this.loadManageable(actor, rawId));
  }

  async list(actorIn: Actor, rawQuery: unknown = {}): Promise<TokenPage> {
    const actor = await this.resolveActor(actorIn);
    assertCanUseFeature(actor, this.deps.access);
    const query = parseWith(listQuerySchema, rawQuery ?? {});
    const seesEveryone = actor.isSuperAdmin && actor.isTokenAdmin;
    if (query.ownerId && query.ownerId !== actor.id && !seesEveryone) {
      assertCanManageTokensOf(actor, query.ownerId, this.deps.access);
    }
    const now = this.now();
    const ownerId = seesEveryone ? query.ownerId : actor.id;
    // Each text condition may be an id list, and status sets expiresAt too: AND keeps them apart.
    const texts: Prisma.ApiTokenWhereInput[] = [];
    if (query.search) texts.push(await this.textContaining('name', query.search, ownerId));
    if (query.ownerEmail) texts.push(await this.textContaining('ownerEmail', query.ownerEmail, ownerId));
    if (query.expiresFrom || query.expiresTo) {
      texts.push({ expiresAt: { ...(query.expiresFrom ? { gte: query.expiresFrom } : {}), ...(query.expiresTo ? { lte: query.expiresTo } : {}), not: null } });
    }
    const where: Prisma.ApiTokenWhereInput = {
      ...(query.status ? statusWhere(query.status, now) : {}),
      ...(query.roleId ? { roles: { some: { roleId: query.roleId } } } : {}),
      ...(query.tag ? { tags: { some: { tag: query.tag } } } : {}),
      ...(texts.length > 0 ? { AND: texts } : {}),
      ownerId,
    };
    const [total, rows] = await Promise.all([
      this.db.apiToken.count({ where }),
      this.db.apiToken.findMany({
        where,
        include: tokenInclude,
        orderBy: [{ [query.sortBy]: query.direction }, { id: 'asc' }],
        skip: (query.page - 1) * query.perPage,
        take: query.perPage,
      }),
    ]);
    return { items: rows.map((row) => this.view(row, now)), total, page: query.page, perPage: query.perPage };
  }

  /**
   * The condition "this column contains `text`, ignoring case", the same on every database.
   *
   * Prisma's `contains` is a LIKE: case-insensitive on SQLite but not on PostgreSQL (where it
   * takes `mode: 'insensitive'`, which the SQLite client refuses), and unescaped, so % and _ in
   * the text would be wildcards. So: `contains`, with the mode where the database's LIKE tells
   * case apart, when the text has none of % _ \; else the ids of the matching tokens (of this
   * owner, when given), found by a standard-SQL LIKE with an ESCAPE, which go to the list's queries
   * as parameters (Prisma allows 999 a statement on SQLite): such a search matching more than
   * MAX_WILDCARD_SEARCH_MATCHES tokens is refused with a message. (Every name search used to take
   * that path, and one matching more than ~990 tokens failed in the database.)
   */
  private async textContaining(column: keyof typeof SEARCHABLE, text: string, ownerId: string | undefined): Promise<Prisma.ApiTokenWhereInput> {
    if (!/[%_\\]/.test(text)) {
      const mode = (await this.likeIsCaseSensitive()) ? { mode: 'insensitive' } : {};
      return { [column]: { contains: text, ...mode } as Prisma.StringFilter<'ApiToken'> };
    }
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The column is one of SEARCHABLE's keys, never input.
    const conditions = [Prisma.sql`lower(${Prisma.raw(`"${column}"`)}) LIKE ${pattern} ESCAPE '\\'`];
    if (ownerId !== undefined) conditions.push(Prisma.sql`"ownerId" = ${ownerId}`);
    // One Prisma.sql passed as an argument, as listRequestLogs does: a fragment of this module's
    // Prisma inside the PostgreSQL client's own tagged template would be bound as a value.
    const rows = await this.db.$queryRaw<Array<{ id: string }>>(
      Prisma.sql`SELECT "id" FROM "ApiToken" WHERE ${Prisma.join(conditions, ' AND ')} LIMIT ${MAX_WILDCARD_SEARCH_MATCHES + 1}`,
    );
    if (rows.length > MAX_WILDCARD_SEARCH_MATCHES) {
      const { field, label } = SEARCHABLE[column];
      throw ApiAccessError.field(
        field,
        'SEARCH_TOO_BROAD',
        `More than ${MAX_WILDCARD_SEARCH_MATCHES} tokens have "${text}" in their ${label}: type more of it, or pick an owner.`,
      );
    }
    return { id: { in: rows.map((row) => row.id) } };
  }

  private likeCaseSensitive: Promise<boolean> | undefined;

  /** Asked of the database once: PostgreSQL's LIKE tells 'A' from 'a', SQLite's does not. */
  private likeIsCaseSensitive(): Promise<boolean> {
    this.likeCaseSensitive ??= this.db
      .$queryRaw<Array<{ folds: unknown }>>`SELECT CASE WHEN 'A' LIKE 'a' THEN 1 ELSE 0 END AS "folds"`
      .then(([row]) => Number(row?.folds) !== 1);
    // A failed probe (database down) is asked again next time.
    this.likeCaseSensitive.catch(() => (this.likeCaseSensitive = undefined));
    return this.likeCaseSensitive;
  }

  /** Request logs, newest first: all of them for token admins, else only those of the actor's own tokens. */
  async listRequestLogs(actorIn: Actor, rawQuery: unknown = {}): Promise<{ items: RequestLogView[]; total: number; page: number; perPage: number }> {
    const actor = await this.resolveActor(actorIn);
    assertCanUseFeature(actor, this.deps.access);
    const query = parseWith(requestLogQuerySchema, rawQuery ?? {});
    const where = await requestLogWhere(this.db, actor, this.deps.access, query);
    // The page's ids by raw SQL, the rows by Prisma: the condition holds a subquery (see
    // requestLogWhere). One Prisma.sql per statement, passed as an argument: the
    // PostgreSQL client is generated separately, with its own Sql class, and would take a
    // fragment of this module's Prisma in a tagged template for a bound value.
    const [counted, page] = await Promise.all([
      // A plain COUNT(*): Prisma's count wraps the query in a subquery that keeps SQLite from
      // counting the index directly, 4x slower on millions of rows (142 ms against 35 ms for 5M).
      this.db.$queryRaw<Array<{ total: number | bigint }>>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "ApiRequestLog" ${where}`),
      this.db.$queryRaw<Array<{ id: number | bigint }>>(
        Prisma.sql`SELECT "id" FROM "ApiRequestLog" ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${query.perPage} OFFSET ${(query.page - 1) * query.perPage}`,
      ),
    ]);
    const ids = page.map((row) => Number(row.id));
    const items = ids.length === 0 ? [] : await this.db.apiRequestLog.findMany({ where: { id: { in: ids } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return { items, total: Number(counted[0]?.total ?? 0), page: query.page, perPage: query.perPage };
  }

  // --- Roles ---------------------------------------------------------------------------------

  private parseRole(raw: unknown): z.output<typeof roleInputSchema> {
    const role = parseWith(roleInputSchema, raw);
    const errors = new FieldErrors();
    const allowed = this.deps.policy.allowedScopes;
    const unknown = allowed ? role.scopes.filter((scope) => !allowed.includes(scope)) : [];
    if (unknown.length > 0) errors.add('scopes', 'UNKNOWN_SCOPE', `Unknown scope ${unknown.join(', ')}. Allowed: ${allowed!.join(', ')}.`);
    errors.throwIfAny();
    return role;
  }

  async listRoles(): Promise<RoleView[]> {
    const roles = await this.db.apiRole.findMany({ orderBy: { name: 'asc' } });
    return roles.map(roleView);
  }

  async createRole(actor: Actor, raw: unknown): Promise<RoleView> {
    assertSuperAdmin(actor);
    const input = this.parseRole(raw);
    const now = this.now();
    return this.transaction(async (tx) => {
      const role = await tx.apiRole.create({ data: { ...input, createdAt: now } });
      await recordAudit(tx, actor, 'role.created', null, { role: role.name, scopes: input.scopes }, now);
      return roleView(role);
    }, roleNameTaken(input.name));
  }

  async editRole(actor: Actor, rawId: unknown, raw: unknown): Promise<RoleView> {
    assertSuperAdmin(actor);
    const id = parseId(rawId);
    const input = this.parseRole(raw);
    const now = this.now();
    let tokenIds: string[] = [];
    const result = await this.transaction(async (tx) => {
      const current = await tx.apiRole.findUnique({ where: { id }, include: { tokens: { select: { tokenId: true } } } });
      if (!current) throw ApiAccessError.field('id', 'NOT_FOUND', `No role with id ${id}.`);
      tokenIds = current.tokens.map((t) => t.tokenId);
      const role = await tx.apiRole.update({ where: { id }, data: input });
      await recordAudit(tx, actor, 'role.edited', null, { role: [current.name, role.name], scopes: [current.scopes ?? [], input.scopes] }, now);
      return roleView(role);
    }, roleNameTaken(input.name));
    // The role's scopes are part of every cached verification of its tokens.
    for (const tokenId of tokenIds) this.notify(tokenId, 'edited');
    return result;
  }

  async deleteRole(actor: Actor, rawId: unknown): Promise<void> {
    assertSuperAdmin(actor);
    const id = parseId(rawId);
    const now = this.now();
    await inOwnTransaction(this.db, async (tx) => {
      const role = await tx.apiRole.findUnique({ where: { id }, include: { _count: { select: { tokens: true } } } });
      if (!role) throw ApiAccessError.field('id', 'NOT_FOUND', `No role with id ${id}.`);
      if (role._count.tokens > 0) {
        throw new ApiAccessError('ROLE_IN_USE', `Role "${role.name}" is assigned to ${role._count.tokens} token(s). Remove it from them first.`);
      }
      await tx.apiRole.delete({ where: { id } });
      await recordAudit(tx, actor, 'role.deleted', null, { role: role.name }, now);
    });
  }

  // --- Copies of users' e-mail addresses ---------------------------------------------------------

  /**
   * Brings the copies of a user's e-mail address up to the one the user directory gives now: on
   * the tokens they own and the ones they made, and on their token-admin grant. A token keeps the
   * addresses of its owner and author as they were when it was made (the lists show and filter
   * them without asking the host for every row), so a host calls this after it changes a user's
   * address. Only the directory's word is copied, never a caller's; a user it does not find
   * (deleted, disabled) changes nothing. Not a change to any token: no audit event, `updatedAt`
   * kept, and API requests see the new address on their token (req.apiToken.ownerEmail) once the
   * verification cache reloads it (at most cacheTtlMs). Returns how many copies changed.
   */
  async syncUserEmail(rawUserId: unknown): Promise<{ owned: number; created: number; grant: number }> {
    const userId = parseId(rawUserId, 'userId');
    const user = await this.deps.users.findById(userId);
    if (!user) return { owned: 0, created: 0, grant: 0 };
    const email = user.email;
    // Plain UPDATEs: Prisma's updateMany would move the tokens' @updatedAt.
    return inOwnTransaction(this.db, async (tx) => ({
      owned: await tx.$executeRaw`UPDATE "ApiToken" SET "ownerEmail" = ${email} WHERE "ownerId" = ${userId} AND "ownerEmail" <> ${email}`,
      created: await tx.$executeRaw`UPDATE "ApiToken" SET "createdByEmail" = ${email} WHERE "createdById" = ${userId} AND "createdByEmail" <> ${email}`,
      grant: await tx.$executeRaw`UPDATE "ApiTokenAdminGrant" SET "userEmail" = ${email} WHERE "userId" = ${userId} AND "userEmail" <> ${email}`,
    }));
  }

  // --- The token-admin grant (seed 002) ------------------------------------------------------

  /**
   * Only a token admin may give or take the grant, or else any super admin could give it to
   * themselves and it would restrict nothing. The first grant of a deployment bootstraps it.
   */
  private async assertMayManageGrants(actorIn: Actor, tx: Tx): Promise<void> {
    assertSuperAdmin(actorIn);
    const actor = await this.resolveActor(actorIn);
    if (actor.isTokenAdmin) return;
    if ((await tx.apiTokenAdminGrant.count()) === 0) return;
    throw new ApiAccessError('FORBIDDEN', 'Only an admin who holds the token admin grant can give or take it.');
  }

  async grantTokenAdmin(actor: Actor, rawUserId: unknown): Promise<void> {
    assertSuperAdmin(actor);
    await this.assertMayManageGrants(actor, this.db);
    const userId = parseId(rawUserId, 'userId');
    const user = await this.deps.users.findById(userId);
    if (!user) throw ApiAccessError.field('userId', 'USER_NOT_FOUND', `No user with id ${userId}.`);
    if (!user.isSuperAdmin) {
      throw ApiAccessError.field('userId', 'NOT_SUPER_ADMIN', `${user.email} is not a super admin. The token admin grant can only be given to super admins.`);
    }
    const now = this.now();
    await inOwnTransaction(this.db, async (tx) => {
      const existing = await tx.apiTokenAdminGrant.findUnique({ where: { userId } });
      if (existing) throw new ApiAccessError('INVALID_STATE', `${user.email} already holds the token admin grant.`);
      await tx.apiTokenAdminGrant.create({ data: { userId, userEmail: user.email, grantedById: actor.id, grantedAt: now } });
      await recordAudit(tx, actor, 'token_admin.granted', null, { user: user.email }, now);
    });
  }

  async revokeTokenAdmin(actor: Actor, rawUserId: unknown): Promise<void> {
    assertSuperAdmin(actor);
    await this.assertMayManageGrants(actor, this.db);
    const userId = parseId(rawUserId, 'userId');
    const now = this.now();
    await inOwnTransaction(this.db, async (tx) => {
      const existing = await tx.apiTokenAdminGrant.findUnique({ where: { userId } });
      if (!existing) throw ApiAccessError.field('userId', 'NOT_FOUND', 'This user does not hold the token admin grant.');
      await tx.apiTokenAdminGrant.delete({ where: { userId } });
      await recordAudit(tx, actor, 'token_admin.revoked', null, { user: existing.userEmail }, now);
    });
  }
}
