import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestHost, type TestHost } from '../helpers/host.js';

describe('example host', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost();
  });
  after(async () => t.close());

  it('seeds two admins, the three roles of the first seed document and three tokens', async () => {
    assert.equal(await t.host.prisma.adminUser.count(), 2);
    const roles = (await t.host.prisma.apiRole.findMany({ orderBy: { name: 'asc' } })).map((r) => r.name);
    assert.deepEqual(roles, ['Onboarding & Adoption', 'Security Audit', 'Vault Summary']);
    assert.equal(await t.host.prisma.apiToken.count(), 3);
  });

  it('serves the health route without a token', async () => {
    await t.request.get('/api/v1/health').expect(200, { status: 'ok' });
  });

  it('answers a token-protected route with 401 and a Bearer challenge when no token is sent', async () => {
    const res = await t.request.get('/api/v1/vaults').expect(401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api"');
  });

  it('signs a seeded admin in and records the sign-in time', async () => {
    const agent = await t.signIn('super@example.com', 'super-admin-demo');
    await agent.get('/admin/api/resources/AdminUser/actions/list').expect(200);
    const user = await t.host.prisma.adminUser.findUnique({ where: { email: 'super@example.com' } });
    assert.ok(user?.lastSignInAt instanceof Date);
  });

  it('refuses a wrong password and keeps the visitor signed out', async () => {
    const res = await t.request.post('/admin/login').type('form').send({ email: 'super@example.com', password: 'wrong' });
    assert.notEqual(res.headers.location, '/admin');
    await t.request.get('/admin/api/resources/AdminUser/actions/list').expect(302);
  });

  it('never sends an admin password hash to the browser', async () => {
    const agent = await t.signIn('super@example.com', 'super-admin-demo');
    const list = await agent.get('/admin/api/resources/AdminUser/actions/list').expect(200);
    assert.ok(list.body.records.length === 2);
    assert.doesNotMatch(JSON.stringify(list.body), /passwordHash|\$2[aby]\$/);
    const id = list.body.records[0].params.id;
    const show = await agent.get(`/admin/api/resources/AdminUser/records/${id}/show`).expect(200);
    assert.doesNotMatch(JSON.stringify(show.body), /passwordHash|\$2[aby]\$/);
  });

  it("an admin user's new e-mail address reaches the tokens they own and made (list, filter, grant)", async () => {
    const agent = await t.signIn('super@example.com', 'super-admin-demo');
    const owned = () => t.host.prisma.apiToken.findMany({ where: { ownerId: t.superAdmin.id }, orderBy: { id: 'asc' } });
    const before = await owned();
    assert.ok(before.length > 0 && before.every((token) => token.ownerEmail === 'super@example.com'));
    const tokens = (filter: string) => agent.get(`/admin/api/resources/ApiToken/actions/list?filters.ownerEmail=${encodeURIComponent(filter)}`).expect(200);
    try {
      // A GET of the edit page changes nothing.
      await agent.get(`/admin/api/resources/AdminUser/records/${t.superAdmin.id}/edit`).expect(200);
      assert.deepEqual(await owned(), before);

      await agent.post(`/admin/api/resources/AdminUser/records/${t.superAdmin.id}/edit`).send({ email: 'sam@new.example.com' }).expect(200);
      const after = await owned();
      assert.deepEqual(
        after.map((token) => token.ownerEmail),
        before.map(() => 'sam@new.example.com'),
      );
      assert.deepEqual(
        after.map((token) => token.updatedAt),
        before.map((token) => token.updatedAt),
        'not an edit of the tokens',
      );
      for (const token of after.filter((a) => a.createdById === t.superAdmin.id)) assert.equal(token.createdByEmail, 'sam@new.example.com');
      assert.equal((await t.host.prisma.apiTokenAdminGrant.findUnique({ where: { userId: t.superAdmin.id } }))?.userEmail, 'sam@new.example.com');

      const found = await tokens('sam@new');
      assert.equal(found.body.meta.total, before.length);
      assert.ok(found.body.records.every((r: { params: { ownerEmail: string } }) => r.params.ownerEmail === 'sam@new.example.com'));
      assert.equal((await tokens('super@example')).body.meta.total, 0);

      // A refused edit (a taken address) changes no copy.
      await agent.post(`/admin/api/resources/AdminUser/records/${t.superAdmin.id}/edit`).send({ email: 'admin@example.com' }).expect(200);
      assert.deepEqual(
        (await owned()).map((token) => token.ownerEmail),
        before.map(() => 'sam@new.example.com'),
      );
    } finally {
      await t.host.prisma.adminUser.update({ where: { id: t.superAdmin.id }, data: { email: 'super@example.com' } });
      await t.host.apiAccess.service.syncUserEmail(t.superAdmin.id);
    }
  });
});
