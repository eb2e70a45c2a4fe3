// The middleware on one keep-alive connection, as an API client or a reverse proxy's upstream pool
// uses it: the connection remembers the key of its last admitted Authorization header (see
// src/http/connection-credential.ts), and that must never let a request through that a fresh
// connection would refuse, nor keep a refused token's header. Real HTTP, real database.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createApiAccess } from 'adminjs-api-access';
import { startTestHost, type TestHost } from '../helpers/host.js';

const CREDENTIAL = Symbol.for('adminjs-api-access.connection-credential');

let names = 0;

describe('requireApiToken on one keep-alive connection', () => {
  let t: TestHost;
  let server: http.Server;
  let base: string;
  /** The server's side of every connection made, in order. */
  const connections: Socket[] = [];
  let agent: http.Agent;

  before(async () => {
    t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 1000 } } });
    server = http.createServer(t.host.app);
    server.on('connection', (socket: Socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    agent?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  /**
   * A new client with one keep-alive connection: every request of a test goes over the same
   * socket. Returns where the test's connections start in `connections`.
   */
  function oneConnection(): number {
    agent?.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    return connections.length;
  }

  async function send(path: string, authorization?: string, to = base): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    return new Promise((resolve, reject) => {
      const req = http.get(`${to}${path}`, { agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      });
      req.on('error', reject);
    });
  }

  async function issue(options: { allowedIps?: string[] } = {}): Promise<{ id: string; secret: string }> {
    const { token, secret } = await t.host.apiAccess.service.create(t.superAdmin, {
      name: `keep-alive token ${++names}`,
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
      ...options,
    });
    return { id: token.id, secret };
  }

  /** What the server's side of the test's connection remembers, and how many connections the test made. */
  function remembered(since: number): { header: string | undefined; connections: number } {
    const made = connections.slice(since);
    const socket = made[made.length - 1] as (Socket & { [CREDENTIAL]?: { header: string } }) | undefined;
    return { header: socket?.[CREDENTIAL]?.header, connections: made.length };
  }

  const whoami = async (secret: string) => send('/api/v1/whoami', `Bearer ${secret}`);

  it('admits the same header again and again over one connection, each request checked as its own', async () => {
    const since = oneConnection();
    const token = await issue();
    for (let i = 0; i < 5; i++) {
      const res = await whoami(token.secret);
      assert.equal(res.status, 200);
      assert.equal((res.body.token as { id: string }).id, token.id);
    }
    assert.deepEqual(remembered(since), { header: `Bearer ${token.secret}`, connections: 1 });
  });

  it('two tokens alternating on one connection (a proxy pool) are each their own token', async () => {
    const since = oneConnection();
    const first = await issue();
    const second = await issue();
    for (const token of [first, second, first, first, second, second, first]) {
      const res = await whoami(token.secret);
      assert.equal(res.status, 200);
      assert.equal((res.body.token as { id: string }).id, token.id);
    }
    assert.equal(remembered(since).connections, 1);
  });

  it('refuses a token disabled, rotated or deleted between two requests of the connection', async () => {
    const since = oneConnection();
    const token = await issue();
    assert.equal((await whoami(token.secret)).status, 200);
    await t.host.apiAccess.service.disable(t.superAdmin, token.id);
    assert.equal((await whoami(token.secret)).body.error, 'invalid_token');
    await t.host.apiAccess.service.enable(t.superAdmin, token.id);
    assert.equal((await whoami(token.secret)).status, 200);

    const rotated = await t.host.apiAccess.service.rotate(t.superAdmin, token.id, { graceSeconds: 0 });
    const old = await whoami(token.secret);
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'invalid_token');
    assert.equal((await whoami(rotated.secret!)).status, 200);

    await t.host.apiAccess.service.delete(t.superAdmin, token.id);
    assert.equal((await whoami(rotated.secret!)).status, 401);
    assert.equal(remembered(since).connections, 1);
  });

  it('refuses a token past its expiry, and one whose allow-list no longer holds the client, on the same connection', async () => {
    const since = oneConnection();
    const expiring = await issue();
    assert.equal((await whoami(expiring.secret)).status, 200);
    const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: expiring.id } });
    t.clock.advance(row.expiresAt!.getTime() - t.clock.now().getTime() + 1_000);
    const expired = await whoami(expiring.secret);
    assert.equal(expired.status, 401);
    assert.match(String(expired.body.message), /expired/);

    const limited = await issue();
    assert.equal((await whoami(limited.secret)).status, 200);
    await t.host.apiAccess.service.edit(t.superAdmin, limited.id, { allowedIps: ['10.0.0.0/8'] });
    const outside = await whoami(limited.secret);
    assert.equal(outside.status, 403);
    assert.equal(outside.body.error, 'ip_not_allowed');
    assert.equal(remembered(since).connections, 1);
  });

  it('answers a bad header after an admitted one as a fresh connection would, then admits the good one again', async () => {
    const since = oneConnection();
    const token = await issue();
    assert.equal((await whoami(token.secret)).status, 200);
    const cases: [string | undefined, string][] = [
      [undefined, 'invalid_request'],
      [`Basic ${token.secret}`, 'invalid_request'],
      [`Bearer ${token.secret}x`, 'invalid_token'],
      [`Bearer  ${token.secret}`, ''], // two spaces: the same token in another header, admitted
      [`bearer ${token.secret}`, ''],
    ];
    for (const [header, error] of cases) {
      const res = await send('/api/v1/whoami', header);
      if (error) {
        assert.equal(res.status, 401, String(header));
        assert.equal(res.body.error, error, String(header));
      } else {
        assert.equal(res.status, 200, String(header));
        assert.equal((res.body.token as { id: string }).id, token.id);
      }
      assert.equal((await whoami(token.secret)).status, 200);
    }
    assert.equal(remembered(since).connections, 1);
  });

  it('keeps the header of an admitted token only: a refused request leaves the connection holding none', async () => {
    const since = oneConnection();
    const token = await issue();
    await whoami(token.secret);
    assert.equal(remembered(since).header, `Bearer ${token.secret}`);

    // Unknown (well-formed, never issued): refused, and nothing of it or the earlier token is kept.
    const unknown = `${token.secret.slice(0, -8)}AAAAAAAA`;
    await whoami(unknown);
    assert.equal(remembered(since).header, '');

    await whoami(token.secret);
    assert.equal(remembered(since).header, `Bearer ${token.secret}`);
    await t.host.apiAccess.service.disable(t.superAdmin, token.id);
    assert.equal((await whoami(token.secret)).status, 401);
    assert.equal(remembered(since).header, '', 'a token refused from memory is forgotten too');
    await send('/api/v1/whoami');
    assert.equal(remembered(since).header, '');
    assert.equal(remembered(since).connections, 1);
  });

  it('keeps two configurations in one process apart (another pepper and token prefix): each answers as it would alone', async () => {
    const other = createApiAccess({
      prisma: t.host.prisma,
      pepper: 'another-pepper-for-a-second-configuration-0123456789',
      tokenPrefix: 'bbt',
      users: { findById: async () => null },
      requestLog: { enabled: false },
      policy: { maxActiveTokensPerOwner: 1000 },
    });
    const app = express();
    app.get('/first', t.host.apiAccess.requireApiToken(), (req, res) => res.json({ id: req.apiToken?.id }));
    app.get('/second', other.requireApiToken(), (req, res) => res.json({ id: req.apiToken?.id }));
    const side = http.createServer(app);
    await new Promise<void>((resolve) => side.listen(0, '127.0.0.1', resolve));
    const to = `http://127.0.0.1:${(side.address() as AddressInfo).port}`;
    try {
      oneConnection();
      const first = await issue();
      const issued = await other.service.create(t.superAdmin, {
        name: `second configuration ${++names}`,
        roleIds: [t.roles.vaultSummary],
        expiry: { type: 'days', days: 30 },
      });
      const second = { id: issued.token.id, secret: issued.secret };
      assert.ok(second.secret.startsWith('bbt_'));
      for (let round = 0; round < 2; round++) {
        assert.deepEqual((await send('/first', `Bearer ${first.secret}`, to)).body, { id: first.id });
        // The header the connection just had admitted, sent to the other configuration: not its prefix.
        const crossed = await send('/second', `Bearer ${first.secret}`, to);
        assert.equal(crossed.status, 401);
        assert.equal(crossed.body.message, 'The access token is malformed.');
        assert.deepEqual((await send('/second', `Bearer ${second.secret}`, to)).body, { id: second.id });
        const back = await send('/first', `Bearer ${second.secret}`, to);
        assert.equal(back.status, 401);
        assert.equal(back.body.message, 'The access token is malformed.');
      }
    } finally {
      agent.destroy();
      side.closeAllConnections();
      await new Promise<void>((resolve) => side.close(() => resolve()));
      await other.close();
    }
  });
});
