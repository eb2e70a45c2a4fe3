// The contract between the plugin and a host that is not the example host: ids of either type
// (an Int autoincrement id as well as a cuid), a user directory that fails or answers badly, a
// session without an id, roles declared in the options, and a database or client without the
// plugin's models. Runs on SQLite (scripts/run-tests.mjs); roles declared by several instances
// starting at once are in start-up-concurrency.test.ts, which runs on PostgreSQL too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PrismaClient } from '@prisma/client';
import type { CurrentAdmin } from 'adminjs';
import { createApiAccess, type ApiAccess } from '../../src/api-access.js';
import { declareRoles } from '../../src/core/roles/declare.js';
import { ApiAccessError } from '../../src/core/errors.js';
import { TokenEvents } from '../../src/core/events.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import type { HostUser, UserDirectory } from '../../src/core/types.js';
import { resolveActor } from '../../src/plugin/context.js';
import type { ApiAccessPluginOptions } from '../../src/plugin/options.js';
import { chosenUserId, NEVER_SIGNED_IN, userChoices } from '../../src/plugin/user-choices.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createHostDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_PEPPER } from '../helpers/host.js';
import { MemoryLogger } from '../helpers/logger.js';

/** A host whose users have Int ids, as a typical Prisma back office has them. */
const PEOPLE: Array<HostUser & { id: number }> = [
  { id: 1, email: 'owner@shop.test', isSuperAdmin: true, lastSignInAt: new Date('2026-11-01T10:00:00Z') },
  { id: 2, email: 'second@shop.test', isSuperAdmin: true, lastSignInAt: new Date('2026-11-02T10:00:00Z') },
  { id: 3, email: 'clerk@shop.test', isSuperAdmin: false, lastSignInAt: new Date('2026-11-03T10:00:00Z') },
  { id: 4, email: 'new@shop.test', isSuperAdmin: true, lastSignInAt: null },
];

/** findById as a host with Int ids writes it: the id converted, an unknown one null. */
const intDirectory: UserDirectory = {
  async findById(id) {
    return /^\d+$/.test(id) ? (PEOPLE.find((p) => p.id === Number(id)) ?? null) : null;
  },
};

async function code(promise: Promise<unknown>): Promise<ApiAccessError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiAccessError, `an ApiAccessError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('A host that is not the example host', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let apiAccess: ApiAccess;
  const logger = new MemoryLogger();

  before(async () => {
    db = await createHostDatabase();
    prisma = createPrismaClient(db.url);
    apiAccess = createApiAccess({ prisma, pepper: TEST_PEPPER, users: intDirectory, logger });
  });
  after(async () => {
    await apiAccess.close();
    await prisma.$disconnect();
    await db.remove();
  });

  const pluginOptions = (extra: Partial<ApiAccessPluginOptions> = {}) => ({ users: intDirectory, ...extra }) as ApiAccessPluginOptions;
  const admin = (id: unknown) => ({ email: 'x', id }) as unknown as CurrentAdmin;

  describe('Int user ids', () => {
    it('takes a numeric currentAdmin.id and a numeric findById id, and stores them as text', async () => {
      const actor = await resolveActor(pluginOptions(), apiAccess.users, apiAccess.ready, admin(1));
      assert.deepEqual(actor, { id: '1', email: 'owner@shop.test', isSuperAdmin: true });
      // The grant query that a numeric id used to break (Expected String, provided Int).
      await apiAccess.service.grantTokenAdmin(actor, '1');
      const created = await apiAccess.service.create(actor, {
        name: 'For the clerk',
        roleIds: [await someRole(apiAccess)],
        expiry: { type: 'days', days: 30 },
        ownerId: '3',
      });
      assert.equal(created.token.ownerId, '3');
      assert.equal(created.token.ownerEmail, 'clerk@shop.test');
      assert.equal((await prisma.apiTokenAdminGrant.findUnique({ where: { userId: '1' } }))?.userEmail, 'owner@shop.test');
    });

    it('takes numbers from host code calling the service: actor ids, user ids and owner ids', async () => {
      const actor = { id: 1, email: 'owner@shop.test', isSuperAdmin: true };
      await apiAccess.service.grantTokenAdmin(actor, 2);
      assert.ok(await prisma.apiTokenAdminGrant.findUnique({ where: { userId: '2' } }));
      const made = await apiAccess.service.create(actor, {
        name: 'Numbers only',
        roleIds: [await someRole(apiAccess)],
        expiry: { type: 'days', days: 30 },
        ownerId: 2,
      });
      assert.deepEqual([made.token.ownerId, made.token.createdById], ['2', '1']);
      assert.deepEqual(await apiAccess.service.syncUserEmail(2), { owned: 0, created: 0, grant: 0 });
      await apiAccess.service.revokeTokenAdmin(actor, 2);
      const bad = await code(apiAccess.service.grantTokenAdmin(actor, 2.5));
      assert.equal(bad.fields.userId?.message, 'Give a user id (a string or an integer), not 2.5.');
      const noId = await code(apiAccess.service.list({ id: undefined as never, email: 'x', isSuperAdmin: true }));
      assert.match(noId.message, /The actor's id is undefined: give the user's id/);
    });

    it('refuses an owner who never signed in, naming where lastSignInAt comes from', async () => {
      const error = await code(
        apiAccess.service.create(
          { id: 1, email: 'owner@shop.test', isSuperAdmin: true },
          { name: 'For the new one', roleIds: [await someRole(apiAccess)], expiry: { type: 'days', days: 30 }, ownerId: 4 },
        ),
      );
      assert.equal(error.code, 'OWNER_NEVER_SIGNED_IN');
      assert.match(
        error.message,
        /^new@shop\.test has never signed in \(users\.findById gives lastSignInAt: null\)\..*record each sign-in in your authenticate/,
      );
    });

    it('reads the id through adminId, as a number too', async () => {
      const options = pluginOptions({ adminId: (current) => (current as unknown as { userId: number }).userId });
      const actor = await resolveActor(options, apiAccess.users, apiAccess.ready, { email: 'x', userId: 2 } as unknown as CurrentAdmin);
      assert.equal(actor.id, '2');
    });
  });

  describe('currentAdmin without an id', () => {
    it('says exactly what is missing', async () => {
      for (const id of [undefined, null, '']) {
        const error = await code(resolveActor(pluginOptions(), apiAccess.users, apiAccess.ready, admin(id)));
        assert.equal(error.code, 'HOST_MISCONFIGURED');
        assert.match(error.message, /^currentAdmin has no id: return the user's id from authenticate, or set adminId/);
      }
      const viaOption = await code(resolveActor(pluginOptions({ adminId: () => undefined }), apiAccess.users, apiAccess.ready, admin(1)));
      assert.match(viaOption.message, /currentAdmin has no id: .*set adminId \(the adminId option gave undefined\)/);
      const odd = await code(resolveActor(pluginOptions(), apiAccess.users, apiAccess.ready, admin({ nested: 1 })));
      assert.match(odd.message, /currentAdmin's id is not usable: currentAdmin.id gave an object/);
    });
  });

  describe('a findById that throws or answers badly', () => {
    const cases: Array<[string, UserDirectory['findById'], RegExp]> = [
      [
        'throws (a Prisma type error from an unconverted id)',
        async () => {
          throw new Error('Invalid `prisma.user.findUnique()` invocation:\n\n\nArgument `id`: Invalid value provided. Expected Int, provided String.');
        },
        /^users\.findById\("1"\) failed: Argument `id`: Invalid value provided\. Expected Int, provided String\. users\.findById\(id\) is given the id as a string \(convert it, e\.g\. Number\(id\)/,
      ],
      [
        'returns a user without lastSignInAt',
        async () => ({ id: 1, email: 'a@b.test', isSuperAdmin: true }) as never,
        /its lastSignInAt is undefined, not a Date or null/,
      ],
      ['returns another user', async () => ({ id: 9, email: 'a@b.test', isSuperAdmin: true, lastSignInAt: null }), /it is the user with id "9", not "1"/],
      [
        'returns a boolean-less, e-mail-less row',
        async () => ({ id: '1', role: 'admin', lastSignInAt: null }) as never,
        /its email is undefined.*its isSuperAdmin is undefined/,
      ],
      ['returns a string', async () => 'yes' as never, /users\.findById\("1"\) returned "yes"/],
    ];
    for (const [what, findById, message] of cases) {
      it(`${what}: one error naming the option, nothing changed`, async () => {
        const broken = createApiAccess({ prisma, pepper: TEST_PEPPER, users: { findById }, logger });
        try {
          const before = await prisma.apiAuditEvent.count();
          const error = await code(resolveActor(pluginOptions(), broken.users, broken.ready, admin(1)));
          assert.equal(error.code, 'HOST_MISCONFIGURED');
          assert.match(error.message, message);
          assert.equal(error.httpStatus, 500);
          assert.equal(await prisma.apiAuditEvent.count(), before);
        } finally {
          await broken.close();
        }
      });
    }
  });

  describe('listUsers and the user picker', () => {
    const listUsers = async () => PEOPLE.map((p) => ({ id: p.id, email: p.email }));

    it('offers every listed user, ids as text, marking who cannot own a token and why', async () => {
      const owners = await userChoices(apiAccess, listUsers, 'owner');
      assert.deepEqual(
        owners.map((o) => [o.id, o.email, o.unavailable]),
        PEOPLE.map((p) => [String(p.id), p.email, p.lastSignInAt ? null : NEVER_SIGNED_IN]),
      );
      assert.match(NEVER_SIGNED_IN, /lastSignInAt from users\.findById/);
    });

    it('marks who cannot be given the token-admin grant', async () => {
      const grant = await userChoices(apiAccess, listUsers, 'grant');
      const reasons = Object.fromEntries(grant.map((g) => [g.email, g.unavailable]));
      assert.equal(reasons['second@shop.test'], null);
      assert.match(String(reasons['clerk@shop.test']), /Not a super admin/);
      assert.match(String(reasons['owner@shop.test']), /Already a token admin/);
    });

    it('accepts only a listed id from a form: an e-mail typed in never reaches findById', async () => {
      let asked = 0;
      const counting = async () => {
        asked++;
        return listUsers();
      };
      assert.equal(await chosenUserId(counting, ' 2 ', 'userId'), '2');
      const typed = await code(chosenUserId(listUsers, 'second@shop.test', 'userId'));
      assert.equal(typed.fields.userId?.message, 'Choose a user from the list: no listed user has this id.');
      const empty = await code(chosenUserId(listUsers, '', 'userId'));
      assert.equal(empty.fields.userId?.message, 'Choose a user from the list.');
      assert.equal(asked, 1);
    });

    it('names listUsers when it answers badly', async () => {
      const error = await code(userChoices(apiAccess, async () => [{ id: { x: 1 }, email: 'a@b.test' }] as never, 'owner'));
      assert.match(error.message, /^listUsers returned a user \(at 0\) whose id is an object, not a string or an integer/);
    });
  });

  describe('roles declared in the options', () => {
    const ROLES = [
      { name: 'Orders read', description: 'Read orders', scopes: ['orders:read'] },
      { name: 'Orders write', scopes: ['orders:read', 'orders:write'] },
    ];

    it('are made on the first ready(), and a second start changes nothing', async () => {
      const first = createApiAccess({ prisma, pepper: TEST_PEPPER, users: intDirectory, logger, roles: ROLES });
      await first.ready();
      await first.close();
      const roles = await prisma.apiRole.findMany({ where: { name: { startsWith: 'Orders' } }, orderBy: { name: 'asc' } });
      assert.deepEqual(
        roles.map((r) => [r.name, r.description, r.scopes]),
        [
          ['Orders read', 'Read orders', ['orders:read']],
          ['Orders write', '', ['orders:read', 'orders:write']],
        ],
      );
      const audits = await prisma.apiAuditEvent.count({ where: { actorId: 'options.roles' } });
      const again = createApiAccess({ prisma, pepper: TEST_PEPPER, users: intDirectory, logger, roles: ROLES });
      await again.ready();
      await again.close();
      const after = await prisma.apiRole.findMany({ where: { name: { startsWith: 'Orders' } }, orderBy: { name: 'asc' } });
      assert.deepEqual(after, roles, 'an equal declaration writes nothing');
      assert.equal(await prisma.apiAuditEvent.count({ where: { actorId: 'options.roles' } }), audits);
    });

    it('bring a changed role up to date', async () => {
      const changed = [{ ...ROLES[0]!, scopes: ['orders:read', 'customers:read'] }];
      const result = await declareRoles(
        { store: prismaStore(prisma), clock: () => new Date(), events: new TokenEvents() },
        changed.map((r) => ({ ...r, description: r.description ?? '' })),
      );
      assert.deepEqual(result, { created: 0, updated: 1 });
      assert.deepEqual((await prisma.apiRole.findUnique({ where: { name: 'Orders read' } }))?.scopes, ['orders:read', 'customers:read']);
    });

    it('are checked at start-up: a bad role or a scope outside the policy is an options error', () => {
      assert.throws(
        () => createApiAccess({ prisma, pepper: TEST_PEPPER, users: intDirectory, roles: [{ name: '', scopes: ['BAD SCOPE'] }] }),
        (error: ApiAccessError) => error.code === 'INVALID_OPTIONS' && /roles/.test(error.message) && /Role name is required/.test(error.message),
      );
      assert.throws(
        () =>
          createApiAccess({
            prisma,
            pepper: TEST_PEPPER,
            users: intDirectory,
            roles: [{ name: 'R', scopes: ['other:read'] }],
            policy: { allowedScopes: ['orders:read'] },
          }),
        /options\.roles: scopes outside policy\.allowedScopes \(R: other:read\)/,
      );
    });
  });

  describe("the plugin's models and tables", () => {
    it('a client generated without them is refused at start-up, naming the fragment and the migration command', () => {
      const client = { $transaction: () => undefined, user: {}, order: {} } as unknown as PrismaClient;
      assert.throws(
        () => createApiAccess({ prisma: client, pepper: TEST_PEPPER, users: intDirectory }),
        (error: ApiAccessError) =>
          error.code === 'INVALID_OPTIONS' &&
          error.message.includes('it has no ApiToken, ApiTokenTag, ApiRole') &&
          error.message.includes('prisma/schema/api-access.prisma') &&
          error.message.includes('npx prisma migrate dev --name api-access'),
      );
    });

    it('a database the migration never ran on fails ready() with what to run, and works once migrated', async () => {
      const bare = await createHostDatabase();
      const client = createPrismaClient(bare.url);
      try {
        await client.$executeRawUnsafe('DROP TABLE "ApiTokenOwnerLock"');
        const unmigrated = createApiAccess({ prisma: client, pepper: TEST_PEPPER, users: intDirectory, logger: new MemoryLogger() });
        const error = await code(unmigrated.ready());
        assert.equal(error.code, 'HOST_MISCONFIGURED');
        assert.match(error.message, /no table \(or not every column\) for ApiTokenOwnerLock/);
        assert.match(error.message, /api-access\.prisma.*npx prisma migrate dev --name api-access/);
        // The screens say the same instead of a Prisma error.
        const screen = await code(resolveActor(pluginOptions(), unmigrated.users, unmigrated.ready, admin(1)));
        assert.equal(screen.message, error.message);
        await client.$executeRawUnsafe('CREATE TABLE "ApiTokenOwnerLock" ("ownerId" TEXT NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL DEFAULT 0)');
        await unmigrated.ready();
        await unmigrated.close();
      } finally {
        await client.$disconnect();
        await bare.remove();
      }
    });
  });
});

async function someRole(apiAccess: ApiAccess): Promise<string> {
  const existing = await apiAccess.service.listRoles();
  if (existing[0]) return existing[0].id;
  return (await apiAccess.service.createRole({ id: '1', email: 'owner@shop.test', isSuperAdmin: true }, { name: 'Any', scopes: ['any:read'] })).id;
}
