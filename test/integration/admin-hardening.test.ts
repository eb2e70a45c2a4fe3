// The admin panel's defences beyond SameSite=Lax, over HTTP against the example host: a
// state-changing request the browser does not say comes from the panel itself is refused and
// changes nothing (adminRequestGuard); answers that carry a secret are Cache-Control: no-store;
// the security headers (helmet) are sent, HSTS only over TLS. test/browser/admin-hardening.test.ts
// shows the same in Chromium.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { adminRequestGuard } from 'adminjs-api-access';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { REFUSED_MESSAGE } from '../../src/http/admin-request-guard.js';

const API = '/admin/api/resources';
const [SUPER] = SEEDED_SIGN_INS;
const PUBLIC = 'https://admin.example.com';

/** The host on a loopback port of its own: the origin of its requests stays the same. */
async function listen(host: TestHost): Promise<{ server: Server; origin: string }> {
  const server = host.host.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('admin request guard', () => {
  let t: TestHost;
  let proxied: TestHost;
  let origin: string;
  let agent: ReturnType<typeof supertest.agent>;
  let proxiedAgent: ReturnType<typeof supertest.agent>;
  let proxiedOrigin: string;
  const servers: Server[] = [];
  let n = 0;

  before(async () => {
    // The host's default: only the panel's own requests.
    // Room for the tokens the tests make, beyond the seeded ones.
    const policy = { maxActiveTokensPerOwner: 100 };
    t = await startTestHost({ adminRequests: {}, apiAccess: { policy } });
    proxied = await startTestHost({ adminRequests: { publicOrigin: PUBLIC }, apiAccess: { policy } });
    const listening = await listen(t);
    servers.push(listening.server);
    origin = listening.origin;
    agent = supertest.agent(origin);
    await agent.post('/admin/login').set('Sec-Fetch-Site', 'same-origin').type('form').send({ email: SUPER.email, password: SUPER.password }).expect(302);
    const proxiedListening = await listen(proxied);
    servers.push(proxiedListening.server);
    proxiedOrigin = proxiedListening.origin;
    proxiedAgent = supertest.agent(proxiedOrigin);
    await proxiedAgent.post('/admin/login').set('Origin', PUBLIC).type('form').send({ email: SUPER.email, password: SUPER.password }).expect(302);
  });
  after(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await t?.close();
    await proxied?.close();
  });

  const create = (a: ReturnType<typeof supertest.agent>, headers: Record<string, string>) => {
    let req = a.post(`${API}/ApiToken/actions/new`);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.send({ name: `guarded ${++n}`, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
  };

  async function refusedAndUnchanged(host: TestHost, a: ReturnType<typeof supertest.agent>, headers: Record<string, string>): Promise<void> {
    const before = await host.host.prisma.apiToken.count();
    const events = await host.host.prisma.apiAuditEvent.count();
    const res = await create(a, headers);
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.deepEqual(res.body, { error: 'forbidden', message: REFUSED_MESSAGE });
    assert.equal(await host.host.prisma.apiToken.count(), before, 'no token made');
    assert.equal(await host.host.prisma.apiAuditEvent.count(), events, 'nothing audited');
  }

  async function accepted(a: ReturnType<typeof supertest.agent>, headers: Record<string, string>): Promise<void> {
    const res = await create(a, headers);
    assert.equal(res.status, 200, JSON.stringify(headers));
    assert.match(String(res.body.secret), /^aat_/);
  }

  it('accepts the panel’s own POST: Sec-Fetch-Site: same-origin, or an Origin equal to the panel’s', async () => {
    await accepted(agent, { 'Sec-Fetch-Site': 'same-origin' });
    await accepted(agent, { Origin: origin });
    await accepted(agent, { 'Sec-Fetch-Site': 'same-origin', Origin: origin });
  });

  it('refuses a POST from a sibling subdomain, another site, or a page with no origin, with the admin’s cookie', async () => {
    await refusedAndUnchanged(t, agent, { 'Sec-Fetch-Site': 'same-site', Origin: 'http://evil.example.com' });
    await refusedAndUnchanged(t, agent, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://attacker.test' });
    await refusedAndUnchanged(t, agent, { 'Sec-Fetch-Site': 'none' });
    await refusedAndUnchanged(t, agent, { Origin: 'https://attacker.test' });
    await refusedAndUnchanged(t, agent, { Origin: 'null' });
    await refusedAndUnchanged(t, agent, { Origin: origin.replace('http:', 'https:') });
    // Sec-Fetch-Site decides when the browser sends it: a matching Origin does not outvote it.
    await refusedAndUnchanged(t, agent, { 'Sec-Fetch-Site': 'same-site', Origin: origin });
  });

  it('refuses a POST with neither header unless the host lets non-browser clients in', async () => {
    await refusedAndUnchanged(t, agent, {});
    const open = await startTestHost(); // the test helper's host allows them (supertest is no browser)
    try {
      const a = supertest.agent(open.host.app);
      await a.post('/admin/login').type('form').send({ email: SUPER.email, password: SUPER.password }).expect(302);
      const res = await a
        .post(`${API}/ApiToken/actions/new`)
        .send({ name: 'scripted', roleIds: [open.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
      assert.equal(res.status, 200);
      await refusedAndUnchanged(open, a, { 'Sec-Fetch-Site': 'cross-site' });
    } finally {
      await open.close();
    }
  });

  it('refuses a cross-site sign-in: no session is made', async () => {
    const sessions = await t.host.prisma.adminSession.count();
    const res = await supertest(origin)
      .post('/admin/login')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ email: SUPER.email, password: SUPER.password });
    assert.equal(res.status, 403);
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal(await t.host.prisma.adminSession.count(), sessions);
  });

  it('lets reads through whatever their origin', async () => {
    const res = await agent.get(`${API}/ApiToken/actions/list`).set('Sec-Fetch-Site', 'cross-site');
    assert.equal(res.status, 200);
  });

  it('behind a proxy, compares Origin with the public origin the host was given', async () => {
    // The request reaches the host as http://127.0.0.1:…, the browser saw https://admin.example.com.
    const res = await proxiedAgent
      .post(`${API}/ApiToken/actions/new`)
      .set('Origin', PUBLIC)
      .send({ name: 'through the proxy', roleIds: [proxied.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
    assert.equal(res.status, 200);
    await refusedAndUnchanged(proxied, proxiedAgent, { Origin: 'https://evil.example.com' });
    await refusedAndUnchanged(proxied, proxiedAgent, { Origin: proxiedOrigin });
  });

  it('refuses bad options at start-up, naming them', () => {
    assert.throws(
      () => adminRequestGuard({ publicOrigin: 'https://admin.example.com/admin' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'INVALID_OPTIONS');
        assert.match(error.message, /adminRequestGuard\.publicOrigin(\.0)?: an origin is scheme:\/\/host\[:port\] with nothing after it/);
        return true;
      },
    );
    assert.throws(() => adminRequestGuard({ allowNonBrowser: true } as never), /adminRequestGuard: Unrecognized key/);
    assert.throws(() => adminRequestGuard({ publicOrigin: 'ftp://admin.example.com' }), /INVALID_OPTIONS|adminRequestGuard\.publicOrigin/);
  });
});

describe('answers that carry a secret are Cache-Control: no-store', () => {
  let t: TestHost;
  let admin: ReturnType<typeof supertest.agent>;
  let tokenId = '';

  before(async () => {
    t = await startTestHost({ apiAccess: { policy: { editPolicy: 'invalidate-secret', maxActiveTokensPerOwner: 100 } } });
    admin = await t.signIn(SUPER.email, SUPER.password);
  });
  after(async () => t?.close());

  async function noStore(what: string, res: supertest.Response): Promise<void> {
    assert.equal(res.status, 200, `${what}: ${JSON.stringify(res.body).slice(0, 300)}`);
    assert.match(String(res.body.secret), /^aat_/, `${what} issued a secret`);
    assert.equal(res.headers['cache-control'], 'no-store', what);
  }

  it('create, rotate, regenerate, and edit under the invalidate-secret policy', async () => {
    const created = await admin
      .post(`${API}/ApiToken/actions/new`)
      .send({ name: 'no-store', roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
    await noStore('create', created);
    tokenId = String(created.body.record.id);
    await noStore('rotate', await admin.post(`${API}/ApiToken/records/${tokenId}/rotate`).send({ graceSeconds: 0 }));
    await noStore('regenerate', await admin.post(`${API}/ApiToken/records/${tokenId}/regenerate`).send({ expiry: { type: 'days', days: 30 } }));
    await noStore('edit', await admin.post(`${API}/ApiToken/records/${tokenId}/edit`).send({ description: 'edited, so a new secret' }));
  });

  it('not on answers without a secret: they stay cacheable by the host’s own rules', async () => {
    const shown = await admin.get(`${API}/ApiToken/records/${tokenId}/show`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.secret, undefined);
    assert.notEqual(shown.headers['cache-control'], 'no-store');
  });
});

describe('security headers of the example host', () => {
  let t: TestHost;
  let behindProxy: Awaited<ReturnType<typeof import('../../example-app/src/app.js').createExampleApp>>;

  before(async () => {
    t = await startTestHost();
    const { createExampleApp } = await import('../../example-app/src/app.js');
    behindProxy = await createExampleApp({ databaseUrl: t.db.url, pepper: 'p'.repeat(43), sessionSecret: 's'.repeat(43), trustProxy: 'loopback' });
  });
  after(async () => {
    await behindProxy?.close();
    await t?.close();
  });

  it('the panel and the API: framing only by the panel itself, nosniff, no referrer, a CSP that fits AdminJS', async () => {
    for (const path of ['/admin/login', '/api/v1/health']) {
      const res = await supertest(t.host.app).get(path);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(res.headers['referrer-policy'], 'same-origin', path);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'self'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.match(csp, /form-action 'self'/, path);
      assert.match(csp, /default-src 'self'/, path);
      assert.equal(res.headers['x-powered-by'], undefined, path);
    }
  });

  it('Strict-Transport-Security only over TLS', async () => {
    const plain = await supertest(t.host.app).get('/admin/login');
    assert.equal(plain.headers['strict-transport-security'], undefined, 'not over plain HTTP');
    const forged = await supertest(t.host.app).get('/admin/login').set('X-Forwarded-Proto', 'https');
    assert.equal(forged.headers['strict-transport-security'], undefined, 'not for a forged X-Forwarded-Proto without TRUST_PROXY');
    const tls = await supertest(behindProxy.app).get('/admin/login').set('X-Forwarded-Proto', 'https');
    assert.equal(tls.headers['strict-transport-security'], 'max-age=31536000');
  });
});
