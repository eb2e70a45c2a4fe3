// The plugin's Express middleware as a host uses it: the example host's sample API on a real
// SQLite file, real HTTP through supertest, no mocks. Covers the RFC 6750 answers, revocation
// beating the verification cache, IP allow-lists, failing closed when the store is gone, request
// logs, last-used bookkeeping and a graceful shutdown that loses no log row.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { generateToken } from '../../src/core/token-format.js';
import { hashToken } from '../../src/core/hashing.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { createApiAccess } from 'adminjs-api-access';
import { onPostgres } from '../helpers/database.js';

const _DAY_MS = 86_400_000;
const UA = 'api-middleware-test/1.0';
const BARE_CHALLENGE = 'Bearer realm="api"';
const BAD_REQUEST_CHALLENGE = 'Bearer realm="api", error="invalid_request", error_description="Use the Bearer scheme"';
const invalidToken = (description: string) => `Bearer realm="api", error="invalid_token", error_description="${description}"`;
const MALFORMED = 'The access token is malformed.';
const UNKNOWN = 'The access token is not valid.';
const DISABLED = 'The access token is disabled.';
const EXPIRED = 'The access token has expired.';

let names = 0;

interface IssueOptions {
  roleIds?: string[];
  allowedIps?: string[];
}

async function issue(t: TestHost, options: IssueOptions = {}): Promise<{ id: string; name: string; secret: string }> {
  const name = `middleware test token ${++names}`;
  const { token, secret } = await t.host.apiAccess.service.create(t.superAdmin, {
    name,
    roleIds: options.roleIds ?? [t.roles.vaultSummary],
    expiry: { type: 'days', days: 30 },
    ...(options.allowedIps ? { allowedIps: options.allowedIps } : {}),
  });
  return { id: token.id, name, secret };
}

function get(t: TestHost, path: string, secret?: string): supertest.Test {
  const req = t.request.get(path).set('User-Agent', UA);
  return secret === undefined ? req : req.set('Authorization', `Bearer ${secret}`);
}

function assertUnauthorized(res: supertest.Response, challenge: string, error: 'invalid_request' | 'invalid_token', label = ''): void {
  assert.equal(res.status, 401, `${label}: status`);
  assert.equal(res.headers['www-authenticate'], challenge, `${label}: WWW-Authenticate`);
  assert.equal(res.body.error, error, `${label}: body.error`);
  assert.equal(typeof res.body.message, 'string', `${label}: body.message`);
  assert.ok(res.body.message.length > 0, `${label}: body.message is empty`);
}

/** Changes one character of the random part, keeping the alphabet: the CRC32 checksum no longer matches. */
function withWrongChecksum(secret: string): string {
  const i = secret.indexOf('_') + 5;
  const swapped = secret[i] === 'A' ? 'B' : 'A';
  return secret.slice(0, i) + swapped + secret.slice(i + 1);
}

/** Serves the app on a real socket bound to `host`, for requests supertest cannot make (another address family). */
async function listen(app: http.RequestListener, host: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // A dual-stack socket ('::') is reached over IPv4, so that Express sees an IPv4-mapped address.
  const urlHost = host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function ipv6LoopbackAvailable(): Promise<boolean> {
  try {
    const probe = await listen((_req, res) => res.end(), '::1');
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

/** Raw HTTP/1.1, for what supertest cannot send: two Authorization header lines. */
function rawGet(url: string, path: string, authorization: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setHeader('Authorization', authorization); // an array: one header line per value
    req.on('error', reject);
    req.end();
  });
}

async function renameTokenTable(t: TestHost, gone: boolean): Promise<void> {
  await t.host.prisma.$executeRawUnsafe(gone ? 'ALTER TABLE "ApiToken" RENAME TO "ApiToken_gone"' : 'ALTER TABLE "ApiToken_gone" RENAME TO "ApiToken"');
}

describe('requireApiToken on the sample API', () => {
  let t: TestHost;

  before(async () => {
    // Default 10 s verification cache (revocation must beat it); last-used written only on an explicit flush,
    // so that every write to lastUsedAt counted below comes from a flush this file asked for.
    t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 1000 }, verification: { lastUsedFlushMs: 3_600_000 } } });
    // A real measure of last-used writes: the database itself counts every UPDATE that sets lastUsedAt.
    await t.host.prisma.$executeRawUnsafe('CREATE TABLE "TestLastUsedWrite" ("tokenId" TEXT NOT NULL, "lastUsedAt" TEXT)');
    if (onPostgres()) {
      // The same row trigger in PostgreSQL's form: a trigger function, fired for each updated row whose SET names lastUsedAt.
      await t.host.prisma.$executeRawUnsafe(
        'CREATE FUNCTION "TestLastUsedWrite_fn"() RETURNS trigger AS $$ BEGIN INSERT INTO "TestLastUsedWrite" VALUES (NEW."id", NEW."lastUsedAt"::text); RETURN NEW; END $$ LANGUAGE plpgsql',
      );
      await t.host.prisma.$executeRawUnsafe(
        'CREATE TRIGGER "TestLastUsedWrite_count" AFTER UPDATE OF "lastUsedAt" ON "ApiToken" FOR EACH ROW EXECUTE FUNCTION "TestLastUsedWrite_fn"()',
      );
    } else {
      await t.host.prisma.$executeRawUnsafe(
        'CREATE TRIGGER "TestLastUsedWrite_count" AFTER UPDATE OF "lastUsedAt" ON "ApiToken" BEGIN INSERT INTO "TestLastUsedWrite" VALUES (NEW."id", NEW."lastUsedAt"); END',
      );
    }
  });
  after(async () => t.close());

  async function lastUsedWrites(tokenId: string): Promise<number> {
    const rows = await t.host.prisma.$queryRawUnsafe<{ n: number | bigint }[]>(
      `SELECT COUNT(*) AS n FROM "TestLastUsedWrite" WHERE "tokenId" = ${onPostgres() ? '$1' : '?'}`,
      tokenId,
    );
    return Number(rows[0]?.n ?? 0);
  }

  describe('a valid token', () => {
    it('is admitted with its scope, and req.apiToken holds id, name, owner and scopes only', async () => {
      const token = await issue(t);
      const vaults = await get(t, '/api/v1/vaults', token.secret).expect(200);
      assert.equal(vaults.body.vaults.length, 2);

      const whoami = await get(t, '/api/v1/whoami', token.secret).expect(200);
      assert.deepEqual(whoami.body, {
        token: { id: token.id, name: token.name, ownerId: t.superAdmin.id, ownerEmail: 'super@example.com', scopes: ['vault-summary:read'] },
      });
      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.ok(!whoami.text.includes(token.secret), 'whoami must not echo the secret');
      assert.ok(!whoami.text.includes(row.secretHash), 'whoami must not reveal the secret hash');
    });

    it('hands req.apiToken to later handlers without adding a property to the request (its hidden class stays put)', async () => {
      const token = await issue(t);
      const app = express();
      app.get('/probe', t.host.apiAccess.requireApiToken({ scopes: ['vault-summary:read'] }), (req, res) => {
        res.json({
          own: Object.hasOwn(req, 'apiToken'),
          keys: Object.keys(req).filter((k) => k === 'apiToken'),
          locals: Object.keys(res.locals),
          id: req.apiToken?.id,
        });
      });
      app.get('/plain', (req, res) => res.json({ token: req.apiToken ?? null }));
      const probe = await supertest(app).get('/probe').set('Authorization', `Bearer ${token.secret}`).expect(200);
      assert.deepEqual(probe.body, { own: false, keys: [], locals: [], id: token.id });
      // A request that never met the middleware has no token, and one request's token is not another's.
      assert.deepEqual((await supertest(app).get('/plain').expect(200)).body, { token: null });
    });

    it('unions the scopes of every role, sorted, and accepts the scheme name in any case', async () => {
      const token = await issue(t, { roleIds: [t.roles.vaultSummary, t.roles.onboarding] });
      const res = await t.request.get('/api/v1/whoami').set('Authorization', `bearer ${token.secret}`).expect(200);
      assert.deepEqual(res.body.token.scopes, ['onboarding:read', 'vault-summary:read']);
      await t.request.get('/api/v1/onboarding').set('Authorization', `BEARER ${token.secret}`).expect(200);
    });
  });

  describe('401 for a missing or bad credential', () => {
    it('answers a request without Authorization with a bare Bearer challenge (no error code, RFC 6750 3.1)', async () => {
      for (const path of ['/api/v1/vaults', '/api/v1/whoami']) {
        const res = await get(t, path);
        assertUnauthorized(res, BARE_CHALLENGE, 'invalid_request', path);
      }
      // An empty header is no credential either.
      const empty = await t.request.get('/api/v1/vaults').set('Authorization', '');
      assertUnauthorized(empty, BARE_CHALLENGE, 'invalid_request', 'empty header');
    });

    it('answers headers that are not one Bearer token with invalid_request', async () => {
      const a = await issue(t);
      const b = await issue(t);
      const cases: [string, string][] = [
        ['Basic scheme', `Basic ${Buffer.from('super@example.com:super-admin-demo').toString('base64')}`],
        ['Basic scheme with a real token as the password', `Basic ${Buffer.from(`x:${a.secret}`).toString('base64')}`],
        ['token without a scheme', a.secret],
        ['"Bearer" with no token', 'Bearer'],
        ['"Bearer" followed by spaces only', 'Bearer    '],
        ['two tokens separated by a space', `Bearer ${a.secret} ${b.secret}`],
        ['two Bearer credentials in one header', `Bearer ${a.secret}, Bearer ${b.secret}`],
        ['a 10 KB header', `Bearer ${'A'.repeat(10 * 1024)}`],
        ['a 10 KB header that starts with a valid token', `Bearer ${a.secret}${'A'.repeat(10 * 1024)}`],
      ];
      for (const [label, header] of cases) {
        const res = await t.request.get('/api/v1/vaults').set('Authorization', header);
        assertUnauthorized(res, BAD_REQUEST_CHALLENGE, 'invalid_request', label);
      }
    });

    it('answers a token that fails the format check or is unknown with invalid_token', async () => {
      const a = await issue(t);
      const b = await issue(t);
      const cases: [string, string, string][] = [
        ['wrong checksum', withWrongChecksum(a.secret), MALFORMED],
        ['wrong prefix, otherwise well formed', generateToken('xyz'), MALFORMED],
        ['right token with the prefix changed', `xyz${a.secret.slice(3)}`, MALFORMED],
        ['truncated', a.secret.slice(0, -1), MALFORMED],
        ['one character too many', `${a.secret}A`, MALFORMED],
        ['two tokens joined by a comma', `${a.secret},${b.secret}`, MALFORMED],
        ['non-base62 characters', `${a.secret.slice(0, -3)}%2F`, MALFORMED],
        ['well formed but never issued', generateToken('aat'), UNKNOWN],
      ];
      for (const [label, token, description] of cases) {
        const res = await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${token}`);
        assertUnauthorized(res, invalidToken(description), 'invalid_token', label);
        assert.equal(res.body.message, description, label);
      }
      // The real tokens still work: the failures above are about the presented strings only.
      await get(t, '/api/v1/vaults', a.secret).expect(200);
    });

    it('refuses a malformed token without asking the database, but an unknown well-formed one needs it', async () => {
      const a = await issue(t);
      await renameTokenTable(t, true);
      try {
        const malformed = await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${withWrongChecksum(a.secret)}`);
        assertUnauthorized(malformed, invalidToken(MALFORMED), 'invalid_token', 'malformed while the table is gone');
        const unknown = await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${generateToken('aat')}`);
        assert.equal(unknown.status, 503, 'an unknown well-formed token can only be judged by the database');
      } finally {
        await renameTokenTable(t, false);
      }
    });

    it('takes only the first of two Authorization header lines (Node drops the rest): a second token is ignored', async () => {
      // Documented behaviour, not a requirement: Node's HTTP parser keeps the first Authorization line and
      // discards duplicates before the middleware sees them, so the middleware cannot refuse such a request.
      const a = await issue(t);
      const server = await listen(t.host.app, '127.0.0.1');
      try {
        const validFirst = await rawGet(server.url, '/api/v1/vaults', [`Bearer ${a.secret}`, 'Bearer not-a-token']);
        assert.equal(validFirst.status, 200);
        const invalidFirst = await rawGet(server.url, '/api/v1/vaults', ['Bearer not-a-token', `Bearer ${a.secret}`]);
        assert.equal(invalidFirst.status, 401);
      } finally {
        await server.close();
      }
    });
  });

  describe('revocation and lifecycle beat the verification cache', () => {
    it('refuses a disabled token with invalid_token and admits it again once enabled', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200); // now cached for 10 s
      await t.host.apiAccess.service.disable(t.superAdmin, token.id);
      const disabled = await get(t, '/api/v1/vaults', token.secret);
      assertUnauthorized(disabled, invalidToken(DISABLED), 'invalid_token', 'disabled');
      await t.host.apiAccess.service.enable(t.superAdmin, token.id);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
    });

    it('refuses a token once the clock passes its expiry, while it is still cached and with no job run', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.ok(row.expiresAt);
      // Just before expiry: still admitted.
      t.clock.advance(row.expiresAt.getTime() - t.clock.now().getTime() - 60_000);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      t.clock.advance(61_000);
      const expired = await get(t, '/api/v1/vaults', token.secret);
      assertUnauthorized(expired, invalidToken(EXPIRED), 'invalid_token', 'expired');
      // The row itself is untouched: expiry is decided at request time.
      const after = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.equal(after.enabled, true);
    });

    it('refuses a deleted token on the very next request after a 200', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      await get(t, '/api/v1/vaults', token.secret).expect(200); // served from the cache
      await t.host.apiAccess.service.delete(t.superAdmin, token.id);
      const res = await get(t, '/api/v1/vaults', token.secret);
      assertUnauthorized(res, invalidToken(UNKNOWN), 'invalid_token', 'deleted');
    });

    it('rotation without grace: the old secret is refused on the next request, the new one admitted, same token id', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      const rotated = await t.host.apiAccess.service.rotate(t.superAdmin, token.id, { graceSeconds: 0 });
      assert.notEqual(rotated.secret, token.secret);
      assertUnauthorized(await get(t, '/api/v1/vaults', token.secret), invalidToken(UNKNOWN), 'invalid_token', 'old secret after rotation');
      const res = await get(t, '/api/v1/whoami', rotated.secret).expect(200);
      assert.equal(res.body.token.id, token.id);
    });

    it('rotation with grace: both secrets work until the grace period ends, then only the new one', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      const rotated = await t.host.apiAccess.service.rotate(t.superAdmin, token.id, { graceSeconds: 3_600 });
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      await get(t, '/api/v1/vaults', rotated.secret).expect(200);
      t.clock.advance(3_600_000 - 60_000);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      t.clock.advance(60_000);
      assertUnauthorized(await get(t, '/api/v1/vaults', token.secret), invalidToken(UNKNOWN), 'invalid_token', 'old secret after grace');
      await get(t, '/api/v1/vaults', rotated.secret).expect(200);
    });

    it('regeneration: the old secret is refused on the next request, the new one admitted, same token id', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      const regenerated = await t.host.apiAccess.service.regenerate(t.superAdmin, token.id, {
        expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() },
      });
      assertUnauthorized(await get(t, '/api/v1/vaults', token.secret), invalidToken(UNKNOWN), 'invalid_token', 'old secret after regeneration');
      const res = await get(t, '/api/v1/whoami', regenerated.secret).expect(200);
      assert.equal(res.body.token.id, token.id);
      // The new expiry applies at once.
      t.clock.advanceDays(7);
      assertUnauthorized(await get(t, '/api/v1/vaults', regenerated.secret), invalidToken(EXPIRED), 'invalid_token', 'regenerated secret after its 7 days');
    });

    it('a role change reaches a cached token on the next request', async () => {
      const token = await issue(t, { roleIds: [t.roles.onboarding] });
      await get(t, '/api/v1/onboarding', token.secret).expect(200);
      await get(t, '/api/v1/vaults', token.secret).expect(403);
      await t.host.apiAccess.service.edit(t.superAdmin, token.id, { roleIds: [t.roles.vaultSummary] });
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      await get(t, '/api/v1/onboarding', token.secret).expect(403);
    });
  });

  describe('403 for a valid token that may not do this', () => {
    it('answers a missing scope with 403 insufficient_scope naming the required scope', async () => {
      const token = await issue(t, { roleIds: [t.roles.onboarding] });
      const res = await get(t, '/api/v1/vaults', token.secret);
      assert.equal(res.status, 403);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope", scope="vault-summary:read"');
      assert.match(res.headers['www-authenticate']!, /error="insufficient_scope"/);
      assert.match(res.headers['www-authenticate']!, /scope="vault-summary:read"/);
      assert.deepEqual(res.body, { error: 'insufficient_scope', message: 'This token lacks the scope vault-summary:read.' });
      // A route that needs no scope admits it.
      await get(t, '/api/v1/whoami', token.secret).expect(200);
    });

    it('admits a token limited to 127.0.0.0/8 from the loopback address supertest uses', async () => {
      const token = await issue(t, { allowedIps: ['127.0.0.0/8'] });
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      const single = await issue(t, { allowedIps: ['127.0.0.1'] });
      await get(t, '/api/v1/vaults', single.secret).expect(200);
    });

    it('refuses a token limited to 10.0.0.0/8 with 403 ip_not_allowed, and logs the refusal against the token', async () => {
      const token = await issue(t, { allowedIps: ['10.0.0.0/8', '192.168.0.0/16'] });
      const res = await get(t, '/api/v1/vaults', token.secret);
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { error: 'ip_not_allowed', message: 'This token may not be used from your IP address.' });
      assert.equal(res.headers['www-authenticate'], undefined);
      // The scope-free route too: the allow-list applies before anything else.
      await get(t, '/api/v1/whoami', token.secret).expect(403);
      // Both refusals are in the token's request log (a request made with it, as a missing
      // scope's 403 is), and neither counts as a use.
      await t.host.apiAccess.flush();
      const logged = await t.host.prisma.apiRequestLog.findMany({ where: { tokenId: token.id }, orderBy: { id: 'asc' } });
      assert.deepEqual(
        logged.map((row) => ({ path: row.path, status: row.status, ip: row.ip, tokenName: row.tokenName, userAgent: row.userAgent })),
        ['/api/v1/vaults', '/api/v1/whoami'].map((path) => ({ path, status: 403, ip: '127.0.0.1', tokenName: token.name, userAgent: UA })),
      );
      assert.equal((await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt, null);
    });

    it('admits a token with an empty allow-list from anywhere', async () => {
      const token = await issue(t, { allowedIps: [] });
      await get(t, '/api/v1/vaults', token.secret).expect(200);
    });

    it('::1/128 refuses supertest (Express reports IPv4 127.0.0.1) and admits a real request over IPv6 loopback', async () => {
      const probe = await issue(t);
      await get(t, '/api/v1/whoami', probe.secret).expect(200);
      await t.host.apiAccess.flush();
      const logged = await t.host.prisma.apiRequestLog.findFirstOrThrow({ where: { tokenId: probe.id } });
      assert.equal(logged.ip, '127.0.0.1', 'what Express reports as req.ip for a supertest request');

      const token = await issue(t, { allowedIps: ['::1/128'] });
      const res = await get(t, '/api/v1/vaults', token.secret);
      assert.equal(res.status, 403, 'an IPv4 client is not inside ::1/128');
      assert.equal(res.body.error, 'ip_not_allowed');

      assert.ok(await ipv6LoopbackAvailable(), 'this test needs IPv6 loopback (::1), which machines of this kind have');
      const server = await listen(t.host.app, '::1');
      try {
        const v6 = await supertest(server.url).get('/api/v1/vaults').set('Authorization', `Bearer ${token.secret}`);
        assert.equal(v6.status, 200, 'a request from ::1 is inside ::1/128');
        const v4only = await issue(t, { allowedIps: ['127.0.0.0/8'] });
        const refused = await supertest(server.url).get('/api/v1/vaults').set('Authorization', `Bearer ${v4only.secret}`);
        assert.equal(refused.status, 403, 'a request from ::1 is not inside 127.0.0.0/8');
      } finally {
        await server.close();
      }
    });

    it('on a dual-stack socket Express reports ::ffff:127.0.0.1, and 127.0.0.0/8 still admits it', async () => {
      const server = await listen(t.host.app, '::');
      try {
        const token = await issue(t, { allowedIps: ['127.0.0.0/8'] });
        await supertest(server.url).get('/api/v1/vaults').set('Authorization', `Bearer ${token.secret}`).expect(200);
        await t.host.apiAccess.flush();
        const logged = await t.host.prisma.apiRequestLog.findFirstOrThrow({ where: { tokenId: token.id } });
        assert.equal(logged.ip, '::ffff:127.0.0.1');
        const other = await issue(t, { allowedIps: ['10.0.0.0/8'] });
        await supertest(server.url).get('/api/v1/vaults').set('Authorization', `Bearer ${other.secret}`).expect(403);
      } finally {
        await server.close();
      }
    });

    it('admits a token limited to the IPv4-mapped address that Express reports and the request log shows (::ffff:127.0.0.1)', async () => {
      // Regression: such an entry used to be stored as IPv6 while the client address is unmapped to IPv4
      // before matching, so an admin who copied "last used IP" into the allow-list locked the token out.
      const server = await listen(t.host.app, '::');
      try {
        for (const [range, stored] of [
          ['::ffff:127.0.0.1', '127.0.0.1/32'],
          ['::ffff:127.0.0.0/104', '127.0.0.0/8'],
        ] as const) {
          const token = await issue(t, { allowedIps: [range] });
          const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
          assert.deepEqual(row.allowedIps, [stored]);
          const res = await supertest(server.url).get('/api/v1/vaults').set('Authorization', `Bearer ${token.secret}`);
          assert.equal(res.status, 200, `allow-list ${range}, client ::ffff:127.0.0.1`);
          await get(t, '/api/v1/vaults', token.secret).expect(200); // and the same client over plain IPv4
        }
      } finally {
        await server.close();
      }
    });
  });

  describe('the client address under "trust proxy"', () => {
    it("follows the settings of the app the route is mounted in: a sub-app inherits its parent's trust, or sets its own", async () => {
      // The middleware reads the connection's address itself when there is no X-Forwarded-For,
      // and Express's req.ip otherwise: a sub-app mounted under a trusting parent must still
      // honour the header, and one that turns trust off must ignore it.
      const limited = await issue(t, { allowedIps: ['203.0.113.0/24'] });
      const vaults = (_req: express.Request, res: express.Response) => res.json({ ok: true });
      // A sub-app takes its parent's settings when mounted: one sub-app per parent.
      const subApp = (trust?: false) => {
        const app = express();
        if (trust === false) app.set('trust proxy', false);
        app.get('/vaults', t.host.apiAccess.requireApiToken({ scopes: ['vault-summary:read'] }), vaults);
        return app;
      };
      const parent = express();
      parent.set('trust proxy', 'loopback');
      parent.use('/inheriting', subApp());
      parent.use('/distrusting', subApp(false));
      const plain = express();
      plain.use('/inheriting', subApp());
      const call = (app: express.Express, path: string) =>
        supertest(app).get(path).set('Authorization', `Bearer ${limited.secret}`).set('X-Forwarded-For', '203.0.113.7');
      assert.equal((await call(parent, '/inheriting/vaults')).status, 200, 'trust inherited from the parent: the forwarded address is the client');
      assert.equal((await call(parent, '/distrusting/vaults')).status, 403, 'trust turned off in the sub-app: the header is ignored');
      assert.equal((await call(plain, '/inheriting/vaults')).status, 403, 'no trust anywhere: the header is ignored');
      const unforwarded = await supertest(parent).get('/inheriting/vaults').set('Authorization', `Bearer ${limited.secret}`);
      assert.equal(unforwarded.status, 403, 'trusted proxies but no forwarded address: the connection is the client');
      await t.host.apiAccess.flush();
      const logged = await t.host.prisma.apiRequestLog.findMany({ where: { tokenId: limited.id }, orderBy: { id: 'asc' } });
      assert.deepEqual(
        logged.map((row) => row.status),
        [200, 403, 403, 403],
      );
      assert.equal(logged[0]!.ip, '203.0.113.7', 'the admitted request is logged with the forwarded address');
      for (const row of logged.slice(1)) assert.match(row.ip, /^(::ffff:)?127\.0\.0\.1$/, 'the refused ones with the address of the connection');
    });
  });

  describe('request logs', () => {
    it('writes one row per authenticated request, without the query string, and none for 401s', async () => {
      await t.host.apiAccess.flush();
      const before = await t.host.prisma.apiRequestLog.count();
      const token = await issue(t, { roleIds: [t.roles.vaultSummary] });
      const startedAt = t.clock.now().getTime();

      await get(t, '/api/v1/vaults', token.secret).expect(200);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      await get(t, '/api/v1/onboarding', token.secret).expect(403);
      await get(t, '/api/v1/whoami?secret=abc&x=1', token.secret).expect(200);
      // Unauthenticated: none of these may write a row.
      await get(t, '/api/v1/vaults').expect(401);
      await get(t, '/api/v1/vaults', withWrongChecksum(token.secret)).expect(401);
      await get(t, '/api/v1/vaults', generateToken('aat')).expect(401);
      await t.request.get('/api/v1/vaults').set('Authorization', 'Basic abc').expect(401);
      const endedAt = t.clock.now().getTime();

      await t.host.apiAccess.flush();
      assert.equal(await t.host.prisma.apiRequestLog.count(), before + 4, 'exactly the four authenticated requests were logged');
      const rows = await t.host.prisma.apiRequestLog.findMany({ where: { tokenId: token.id }, orderBy: { id: 'asc' } });
      assert.deepEqual(
        rows.map((r) => [r.method, r.path, r.status]),
        [
          ['GET', '/api/v1/vaults', 200],
          ['GET', '/api/v1/vaults', 200],
          ['GET', '/api/v1/onboarding', 403],
          ['GET', '/api/v1/whoami', 200],
        ],
      );
      for (const row of rows) {
        assert.equal(row.tokenName, token.name);
        assert.equal(row.ip, '127.0.0.1');
        assert.equal(row.userAgent, UA);
        assert.ok(Number.isInteger(row.durationMs) && row.durationMs >= 0, `durationMs ${row.durationMs}`);
        assert.ok(row.createdAt.getTime() >= startedAt && row.createdAt.getTime() <= endedAt, 'createdAt is the clock time of the request');
        assert.ok(!row.path.includes('?') && !row.path.includes('secret'), 'no query string in the path');
      }

      await t.host.apiAccess.service.delete(t.superAdmin, token.id);
      const kept = await t.host.prisma.apiRequestLog.findMany({ where: { tokenId: token.id } });
      assert.equal(kept.length, 4, 'request logs survive the token');
      assert.ok(kept.every((r) => r.tokenName === token.name));
    });
  });

  describe('last used', () => {
    it('records lastUsedAt and lastUsedIp on flush, as the time and address of the latest request', async () => {
      const token = await issue(t);
      await get(t, '/api/v1/vaults', token.secret).expect(200);
      assert.equal((await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt, null, 'not written before a flush');
      await t.host.apiAccess.flush();
      const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      const log = await t.host.prisma.apiRequestLog.findFirstOrThrow({ where: { tokenId: token.id } });
      assert.ok(row.lastUsedAt instanceof Date);
      assert.equal(row.lastUsedAt.getTime(), log.createdAt.getTime());
      assert.equal(row.lastUsedIp, '127.0.0.1');
    });

    it('50 requests in a row cost one lastUsedAt write per flush, holding the latest request time', async () => {
      const token = await issue(t);
      for (let round = 1; round <= 2; round++) {
        for (let i = 0; i < 50; i++) {
          t.clock.advance(1_000); // every request at a distinct clock time
          await get(t, '/api/v1/vaults', token.secret).expect(200);
        }
        await t.host.apiAccess.flush();
        assert.equal(await lastUsedWrites(token.id), round, `writes after round ${round}`);
        const [row, latest] = await Promise.all([
          t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } }),
          t.host.prisma.apiRequestLog.findFirstOrThrow({ where: { tokenId: token.id }, orderBy: { createdAt: 'desc' } }),
        ]);
        assert.equal(await t.host.prisma.apiRequestLog.count({ where: { tokenId: token.id } }), 50 * round);
        assert.equal(row.lastUsedAt?.getTime(), latest.createdAt.getTime(), 'lastUsedAt is the latest request time');
      }
      // A flush with nothing new writes nothing.
      await t.host.apiAccess.flush();
      assert.equal(await lastUsedWrites(token.id), 2);
    });
  });
});

describe('verification with cacheTtlMs 0', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost();
  });
  after(async () => t?.close());

  it('asks the database on every call, even within the same millisecond', async () => {
    const { token, secret } = await t.host.apiAccess.service.create(t.superAdmin, {
      name: 'no cache',
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    // A clock that stands still: every call happens "in the same millisecond" as the load before it.
    const instant = new Date();
    const access = createApiAccess({
      prisma: t.host.prisma,
      pepper: TEST_PEPPER,
      users: { findById: async () => null },
      clock: () => instant,
      requestLog: { enabled: false },
      verification: { cacheTtlMs: 0 },
    });
    try {
      assert.equal((await access.verifier.verify(secret, '127.0.0.1')).ok, true);
      // Changed behind this instance's back (as another host without a change feed would).
      await t.host.prisma.apiToken.update({ where: { id: token.id }, data: { enabled: false } });
      assert.deepEqual(await access.verifier.verify(secret, '127.0.0.1'), { ok: false, reason: 'disabled', tokenId: token.id });
    } finally {
      await access.close();
    }
  });
});

describe('requireApiToken fails closed when the token store is unreachable', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost({ apiAccess: { verification: { cacheTtlMs: 0 } } });
  });
  after(async () => {
    // Leave the file closable even if a test failed half-way.
    await renameTokenTable(t, false).catch(() => undefined);
    await t.close();
  });

  it('answers 503 with Retry-After and never 200 while the ApiToken table is gone, and recovers without a restart', async () => {
    const { token, secret } = await t.host.apiAccess.service.create(t.superAdmin, {
      name: 'fail closed',
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`).expect(200);

    await renameTokenTable(t, true);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        for (const path of ['/api/v1/vaults', '/api/v1/whoami']) {
          const res = await t.request.get(path).set('Authorization', `Bearer ${secret}`);
          statuses.push(res.status);
          assert.equal(res.status, 503, `${path} while the store is gone`);
          assert.equal(res.headers['retry-after'], '5');
          assert.equal(res.body.error, 'temporarily_unavailable');
          assert.equal(typeof res.body.message, 'string');
        }
      }
      assert.ok(!statuses.includes(200));
      // A token it has never seen: also 503, never a 401 that would tell the client to drop a good token.
      const fresh = await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${generateToken('aat')}`);
      assert.equal(fresh.status, 503);
      // What needs no database still answers as usual.
      assert.equal((await t.request.get('/api/v1/vaults')).status, 401);
      assert.equal((await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${withWrongChecksum(secret)}`)).status, 401);
      // The host's log says why, once for the 21 refused requests (then at most once a minute), with
      // the database's own words and neither the secret nor its hash.
      const reports = t.logger.lines.filter((line) => line.includes('the token store cannot be reached'));
      assert.equal(reports.length, 1, reports.join('\n'));
      assert.match(reports[0]!, /^error .*answered 503.*Cause: .*(no such table|does not exist)/);
      assert.ok(!reports[0]!.includes(secret) && !reports[0]!.includes(hashToken(TEST_PEPPER, secret)));
    } finally {
      await renameTokenTable(t, false);
    }

    const res = await t.request.get('/api/v1/whoami').set('Authorization', `Bearer ${secret}`).expect(200);
    assert.equal(res.body.token.id, token.id);
    await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`).expect(200);
  });
});

describe('graceful shutdown', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost({ apiAccess: { requestLog: { flushIntervalMs: 60_000, batchSize: 10_000 } } });
  });
  after(async () => t.close());

  it('writes every buffered request-log row on close: 200 requests, 200 rows', async () => {
    const { token, secret } = await t.host.apiAccess.service.create(t.superAdmin, {
      name: 'shutdown',
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${secret}`)));
      assert.ok(responses.every((r) => r.status === 200));
    }
    assert.equal(await t.host.prisma.apiRequestLog.count(), 0, 'nothing written yet: the flush interval is a minute');
    assert.deepEqual(t.host.apiAccess.requestLog?.stats, { buffered: 200, written: 0, dropped: 0 });

    await t.host.apiAccess.close();
    await t.host.prisma.$disconnect();

    const fresh = createPrismaClient(t.db.url);
    try {
      assert.equal(await fresh.apiRequestLog.count(), 200);
      assert.equal(await fresh.apiRequestLog.count({ where: { tokenId: token.id, status: 200, path: '/api/v1/vaults' } }), 200);
      const row = await fresh.apiToken.findUniqueOrThrow({ where: { id: token.id } });
      assert.ok(row.lastUsedAt instanceof Date, 'close also wrote last-used');
    } finally {
      await fresh.$disconnect();
    }
  });
});
