// The admin's sessions on the real example host: cookie flags (HttpOnly, SameSite=Lax, Secure
// over TLS, directly or behind a trusted proxy), Express's "trust proxy" off unless TRUST_PROXY
// says so, the sign-in rate limit, no session fixation, sign-out, and a demoted or disabled admin
// losing access on the very next request, the host's own AdminUser resource included.
//
// @adminjs/express counts sign-in attempts per client address in one map per process, so this
// file signs in from made-up addresses (X-Forwarded-For to a host that trusts its loopback proxy)
// wherever it can, and keeps its few sign-ins from the loopback address itself under the limit
// until the last test, which is about exactly that.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import supertest from 'supertest';
import { hashPassword } from '../../example-app/src/users.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

const SUPER = { email: 'super@example.com', password: 'super-admin-demo' };
const ADMIN = { email: 'admin@example.com', password: 'admin-demo' };
const API = '/admin/api/resources';

/** The adminjs session cookie a response sets, or undefined. */
function sessionCookie(res: supertest.Response | { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? (raw as string[]) : raw ? [String(raw)] : [];
  return all.find((c) => c.startsWith('adminjs='));
}

/** The session id inside a signed cookie value ("s:<id>.<signature>"). */
function sessionId(cookie: string): string {
  const value = decodeURIComponent(cookie.split(';', 1)[0]!.slice('adminjs='.length));
  assert.ok(value.startsWith('s:'), value);
  return value.slice(2, value.lastIndexOf('.'));
}

function attributes(cookie: string): string[] {
  return cookie
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
}

let nextAddress = 10;
/** A fresh client address per caller, so that the sign-in limit of one never touches another. */
function address(): string {
  return `198.51.100.${nextAddress++}`;
}

/** Signs in with the form, as the login page does, from `ip` (an X-Forwarded-For to the trusting host). */
function signIn(agent: supertest.Agent, who: { email: string; password: string }, ip?: string): supertest.Test {
  const req = agent.post('/admin/login').type('form').send(who);
  return ip ? req.set('X-Forwarded-For', ip) : req;
}

describe('admin sessions', () => {
  /** TRUST_PROXY unset: the default. */
  let plain: TestHost;
  /** TRUST_PROXY=loopback: as behind a reverse proxy on the same machine. */
  let proxied: TestHost;
  let tlsDir: string;

  before(async () => {
    delete process.env.TRUST_PROXY;
    plain = await startTestHost();
    process.env.TRUST_PROXY = 'loopback';
    try {
      proxied = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 50 } } });
    } finally {
      delete process.env.TRUST_PROXY;
    }
    tlsDir = mkdtempSync(path.join(tmpdir(), 'api-access-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(tlsDir, 'key.pem'),
        '-out',
        path.join(tlsDir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
  });
  after(async () => {
    await plain?.close();
    await proxied?.close();
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  });

  describe('the session cookie', () => {
    it('is HttpOnly, SameSite=Lax, for the whole site, expires in 8 hours, and is not Secure over plain HTTP', async () => {
      const res = await signIn(supertest.agent(plain.host.app), SUPER);
      assert.equal(res.status, 302);
      const cookie = sessionCookie(res);
      assert.ok(cookie, 'a session cookie is set on sign-in');
      const attrs = attributes(cookie);
      assert.ok(attrs.includes('httponly'), cookie);
      assert.ok(attrs.includes('samesite=lax'), cookie);
      assert.ok(attrs.includes('path=/'), cookie);
      assert.ok(!attrs.includes('secure'), 'no Secure flag over plain HTTP, or the browser would drop it');
      const expires = Date.parse(attrs.find((a) => a.startsWith('expires='))!.slice('expires='.length));
      assert.ok(Math.abs(expires - (Date.now() + 8 * 3_600_000)) < 60_000, 'expires in 8 hours');
    });

    it('is Secure when the request came over TLS', async () => {
      const server = https.createServer({ key: readFileSync(path.join(tlsDir, 'key.pem')), cert: readFileSync(path.join(tlsDir, 'cert.pem')) }, plain.host.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const body = new URLSearchParams(SUPER).toString();
        const res = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
          const req = https.request(
            {
              host: '127.0.0.1',
              port: (server.address() as AddressInfo).port,
              path: '/admin/login',
              method: 'POST',
              ca: readFileSync(path.join(tlsDir, 'cert.pem')),
              servername: 'localhost',
              headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
            },
            (r) => {
              r.resume();
              r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
        assert.equal(res.status, 302);
        const cookie = sessionCookie(res);
        assert.ok(cookie);
        assert.ok(attributes(cookie).includes('secure'), cookie);
        assert.ok(attributes(cookie).includes('httponly'), cookie);
        assert.ok(attributes(cookie).includes('samesite=lax'), cookie);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('is Secure behind a trusted TLS-terminating proxy (TRUST_PROXY), and not when the proxy is not trusted', async () => {
      const behind = await signIn(supertest.agent(proxied.host.app), SUPER, address()).set('X-Forwarded-Proto', 'https');
      assert.equal(behind.status, 302);
      assert.ok(attributes(sessionCookie(behind)!).includes('secure'), 'trusted X-Forwarded-Proto: https');
      const untrusted = await signIn(supertest.agent(plain.host.app), SUPER).set('X-Forwarded-Proto', 'https');
      assert.equal(untrusted.status, 302);
      assert.ok(!attributes(sessionCookie(untrusted)!).includes('secure'), 'an untrusted X-Forwarded-Proto is ignored');
    });
  });

  describe('"trust proxy"', () => {
    it('is off by default: X-Forwarded-For changes neither the address in request logs nor what an IP allow-list admits', async () => {
      for (const [t, trusted] of [
        [plain, false],
        [proxied, true],
      ] as const) {
        const issue = (name: string, allowedIps: string[]) =>
          t.host.apiAccess.service.create(t.superAdmin, { name, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 }, allowedIps });
        const limited = await issue(`allow-list ${trusted}`, ['203.0.113.0/24']);
        const open = await issue(`open ${trusted}`, []);
        const call = (secret: string) =>
          supertest(t.host.app).get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`).set('X-Forwarded-For', '203.0.113.7');
        assert.equal(
          (await call(limited.secret)).status,
          trusted ? 200 : 403,
          trusted ? 'a trusted proxy says who the client is' : 'a forged header is ignored',
        );
        assert.equal((await call(open.secret)).status, 200);
        await t.host.apiAccess.flush();
        const log = await t.host.prisma.apiRequestLog.findFirstOrThrow({ where: { tokenId: open.token.id } });
        if (trusted) assert.equal(log.ip, '203.0.113.7');
        else assert.match(log.ip, /^(::ffff:)?127\.0\.0\.1$/, 'the address of the TCP connection');
      }
    });
  });

  describe('session fixation', () => {
    it('a sign-in on a session id someone planted gets a new id, and the planted one is worth nothing', async () => {
      const t = proxied;
      // The attacker signs in with their own, lesser account and plants that session id in the victim's browser.
      const attacker = supertest.agent(t.host.app);
      const own = await signIn(attacker, ADMIN, address());
      assert.equal(own.status, 302);
      const planted = sessionCookie(own)!.split(';', 1)[0]!;
      const victim = supertest.agent(t.host.app);
      const signedIn = await signIn(victim, SUPER, address()).set('Cookie', planted);
      assert.equal(signedIn.status, 302);
      const issued = sessionCookie(signedIn);
      assert.ok(issued, 'the sign-in sets a new session cookie');
      assert.notEqual(sessionId(issued), sessionId(planted), 'the session id changes on sign-in');
      // The victim is a super admin on the new id...
      const users = await victim.get(`${API}/AdminUser/actions/list`).set('Cookie', issued.split(';', 1)[0]!).expect(200);
      assert.equal(users.body.records.length, 2);
      // ...and the planted id is not: it was ended, so the attacker is sent to the login page.
      const replay = await supertest(t.host.app).get(`${API}/AdminUser/actions/list`).set('Cookie', planted);
      assert.equal(replay.status, 302);
      assert.equal(replay.headers.location, '/admin/login');
      assert.equal(await t.host.prisma.adminSession.count({ where: { sid: sessionId(planted) } }), 0, 'the planted session is gone from the store');
    });

    it('a made-up session id is never adopted', async () => {
      const forged = 'adminjs=s%3Aattacker-chosen-id.forged-signature';
      const res = await signIn(supertest.agent(proxied.host.app), SUPER, address()).set('Cookie', forged);
      assert.equal(res.status, 302);
      assert.notEqual(sessionId(sessionCookie(res)!), 'attacker-chosen-id');
      assert.equal(await proxied.host.prisma.adminSession.count({ where: { sid: 'attacker-chosen-id' } }), 0);
    });

    it('failed sign-ins without a session store nothing and set no cookie', async () => {
      const before = await proxied.host.prisma.adminSession.count();
      const ip = address();
      for (let i = 0; i < 3; i++) {
        const res = await signIn(supertest.agent(proxied.host.app), { email: SUPER.email, password: `wrong ${i}` }, ip);
        assert.equal(res.status, 200);
        assert.match(res.text, /"errorMessage":"invalidCredentials"/);
        assert.equal(sessionCookie(res), undefined);
      }
      assert.equal(await proxied.host.prisma.adminSession.count(), before);
    });

    it('signing out ends the session in the store: the old cookie no longer works', async () => {
      const agent = supertest.agent(proxied.host.app);
      const res = await signIn(agent, SUPER, address());
      const cookie = sessionCookie(res)!.split(';', 1)[0]!;
      await agent.get(`${API}/AdminUser/actions/list`).expect(200);
      const out = await agent.get('/admin/logout');
      assert.equal(out.status, 302);
      assert.equal(out.headers.location, '/admin/login');
      assert.equal(await proxied.host.prisma.adminSession.count({ where: { sid: sessionId(cookie) } }), 0);
      const replay = await supertest(proxied.host.app).get(`${API}/AdminUser/actions/list`).set('Cookie', cookie);
      assert.equal(replay.status, 302);
    });
  });

  describe('a demoted or disabled admin loses access on the next request', () => {
    async function laterSuperAdmin(t: TestHost, email: string) {
      const user = await t.host.prisma.adminUser.create({
        data: { email, name: 'Later', role: 'super_admin', passwordHash: await hashPassword('later-password') },
      });
      const agent = supertest.agent(t.host.app);
      assert.equal((await signIn(agent, { email, password: 'later-password' }, address())).status, 302);
      await agent.get(`${API}/AdminUser/actions/list`).expect(200);
      return { user, agent };
    }

    function refused(res: supertest.Response, label: string): void {
      assert.equal(res.status, 200, label);
      assert.equal(res.body.notice?.type, 'error', `${label}: ${res.text.slice(0, 200)}`);
      assert.deepEqual(res.body.records ?? [], [], `${label}: no records`);
      assert.deepEqual(res.body.record?.params ?? {}, {}, `${label}: no record data`);
    }

    it('demoted by another super admin through the admin: refused the AdminUser resource at once, cannot promote themselves back, and gets access back when promoted', async () => {
      const t = proxied;
      const { user, agent } = await laterSuperAdmin(t, 'demoted-later@example.com');
      const boss = supertest.agent(t.host.app);
      assert.equal((await signIn(boss, SUPER, address())).status, 302);
      const demoted = await boss.post(`${API}/AdminUser/records/${user.id}/edit`).send({ role: 'admin' }).expect(200);
      assert.equal(demoted.body.notice?.type, 'success', JSON.stringify(demoted.body.notice));
      assert.equal((await t.host.prisma.adminUser.findUniqueOrThrow({ where: { id: user.id } })).role, 'admin');

      refused(await agent.get(`${API}/AdminUser/actions/list`), 'AdminUser list');
      refused(await agent.get(`${API}/AdminUser/records/${user.id}/show`), 'AdminUser show');
      refused(await agent.get(`${API}/AdminUser/actions/search/super`), 'AdminUser search');
      refused(await agent.get(`${API}/ApiToken/actions/list`), 'ApiToken list');
      const back = await agent.post(`${API}/AdminUser/records/${user.id}/edit`).send({ role: 'super_admin' });
      refused(back, 'promoting themselves back');
      const created = await agent
        .post(`${API}/AdminUser/actions/new`)
        .send({ email: 'sock-puppet@example.com', name: 'Sock', role: 'super_admin', password: 'sock-puppet-pw' });
      refused(created, 'creating a super admin');
      const row = await t.host.prisma.adminUser.findUniqueOrThrow({ where: { id: user.id } });
      assert.equal(row.role, 'admin', 'still demoted');
      assert.equal(await t.host.prisma.adminUser.count({ where: { email: 'sock-puppet@example.com' } }), 0);
      // The dashboard page itself now carries the demoted role, so the navigation follows.
      const page = await agent.get('/admin').expect(200);
      assert.match(page.text, /"email":"demoted-later@example\.com"[^}]*"role":"admin"/);

      await t.host.prisma.adminUser.update({ where: { id: user.id }, data: { role: 'super_admin' } });
      const again = await agent.get(`${API}/AdminUser/actions/list`).expect(200);
      assert.ok(again.body.records.length >= 3, 'promoted again: access is back on the next request');
    });

    it('disabled: refused every AdminUser and API Access action at once, with no data; re-enabled, access is back', async () => {
      const t = proxied;
      const { user, agent } = await laterSuperAdmin(t, 'disabled-later@example.com');
      await t.host.prisma.adminUser.update({ where: { id: user.id }, data: { disabled: true } });
      refused(await agent.get(`${API}/AdminUser/actions/list`), 'AdminUser list');
      refused(await agent.get(`${API}/AdminUser/records/${t.superAdmin.id}/show`), 'AdminUser show');
      refused(await agent.post(`${API}/AdminUser/records/${user.id}/edit`).send({ disabled: 'false' }), 'enabling themselves');
      refused(await agent.post(`${API}/AdminUser/records/${t.admin.id}/delete`), 'deleting another admin');
      refused(await agent.get(`${API}/ApiToken/actions/list`), 'ApiToken list');
      refused(await agent.get(`${API}/ApiAuditEvent/actions/list`), 'ApiAuditEvent list');
      assert.equal((await t.host.prisma.adminUser.findUniqueOrThrow({ where: { id: user.id } })).disabled, true);
      assert.equal(await t.host.prisma.adminUser.count({ where: { id: t.admin.id } }), 1, 'nothing deleted');
      const page = await agent.get('/admin').expect(200);
      assert.match(page.text, /"email":"disabled-later@example\.com"[^}]*"role":"no_access"/, 'the session keeps no role');
      await t.host.prisma.adminUser.update({ where: { id: user.id }, data: { disabled: false } });
      await agent.get(`${API}/AdminUser/actions/list`).expect(200);
      const list = await agent.get(`${API}/AdminUser/actions/list`);
      assert.ok(list.body.records.length >= 3);
    });

    it('deleted: refused at once', async () => {
      const t = proxied;
      const { user, agent } = await laterSuperAdmin(t, 'deleted-later@example.com');
      await t.host.prisma.adminUser.delete({ where: { id: user.id } });
      refused(await agent.get(`${API}/AdminUser/actions/list`), 'AdminUser list');
      refused(await agent.get(`${API}/ApiToken/actions/list`), 'ApiToken list');
    });
  });

  // The limit lives in @adminjs/express's memory, whatever the database: checked once, in the SQLite run.
  describe('the sign-in rate limit (@adminjs/express maxRetries: 10 attempts a minute per client address)', () => {
    it('after 10 wrong passwords, the right one is refused too, from that address only', async () => {
      const t = proxied;
      const ip = address();
      const before = (await t.host.prisma.adminUser.findUniqueOrThrow({ where: { email: SUPER.email } })).lastSignInAt;
      for (let i = 0; i < 10; i++) {
        const res = await signIn(supertest.agent(t.host.app), { email: SUPER.email, password: `guess ${i}` }, ip);
        assert.equal(res.status, 200, `attempt ${i + 1}`);
        assert.match(res.text, /"errorMessage":"invalidCredentials"/, `attempt ${i + 1} is checked`);
      }
      const agent = supertest.agent(t.host.app);
      const blocked = await signIn(agent, SUPER, ip);
      assert.equal(blocked.status, 200, 'not signed in');
      assert.match(blocked.text, /"errorMessage":"tooManyRequests"/);
      assert.equal(sessionCookie(blocked), undefined);
      assert.equal((await agent.get(`${API}/AdminUser/actions/list`)).status, 302, 'still signed out');
      assert.deepEqual(
        (await t.host.prisma.adminUser.findUniqueOrThrow({ where: { email: SUPER.email } })).lastSignInAt,
        before,
        'the password was not even checked',
      );
      // Another address is not affected.
      assert.equal((await signIn(supertest.agent(t.host.app), SUPER, address())).status, 302);
    });

    it('without a trusted proxy, a forged X-Forwarded-For neither dodges the limit nor sets Secure (last: it uses up the loopback address)', async () => {
      const t = plain;
      const results: string[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await signIn(supertest.agent(t.host.app), { email: SUPER.email, password: `guess ${i}` })
          .set('X-Forwarded-For', `203.0.113.${i + 1}`)
          .set('X-Forwarded-Proto', 'https');
        assert.equal(res.status, 200);
        results.push(/"errorMessage":"(\w+)"/.exec(res.text)?.[1] ?? '?');
      }
      assert.equal(results.at(-1), 'tooManyRequests', results.join(', '));
      const right = await signIn(supertest.agent(t.host.app), SUPER).set('X-Forwarded-For', '203.0.113.99').set('X-Forwarded-Proto', 'https');
      assert.equal(right.status, 200);
      assert.match(right.text, /"errorMessage":"tooManyRequests"/, 'the right password from the same real address is refused too');
      assert.equal(sessionCookie(right), undefined);
    });
  });
});
