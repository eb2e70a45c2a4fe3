/**
 * GitHub's secret scanning partner program end to end: a key server on loopback publishing
 * generated P-256 keys in GitHub's JSON shape, signed reports sent to the example host's
 * endpoint, a real SMTP server. A reported token of ours is refused on the API at once, the
 * report is audited and e-mailed (never the secret), a second report changes nothing, and every
 * malformed, unsigned or badly signed report is refused before any database query.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { PrismaClient } from '@prisma/client';
import { createApiAccess, generateToken, type ApiAccess, type IssuedToken, type LeakFeedback } from 'adminjs-api-access';
import { LEAK_REPORT_PATH } from '../../example-app/src/app.js';
import { AdminUsers } from '../../example-app/src/users.js';
import { countingSqliteAdapter, type QueryCounter } from '../helpers/counting-adapter.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { newSigningKey, signReport, TestKeyServer, type SigningKey } from '../helpers/github-keys.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { MemoryLogger } from '../helpers/logger.js';
import { TestSmtpServer } from '../helpers/smtp.js';

const FROM = 'API Access <api-access@example.test>';
const ADMIN_URL = 'http://admin.example.test/admin';
const TYPE = 'aat_api_token';
const FOUND_AT = 'https://github.com/octo-org/octo-repo/blob/4f2a1c9/config/production.yml';

interface Sent {
  status: number;
  body: unknown;
  text: string;
}

/** POSTs raw bytes with the given headers, as GitHub does, and reads the answer. */
function post(base: string, body: string | Buffer, headers: Record<string, string>): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const url = new URL(LEAK_REPORT_PATH, base);
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    // The server may answer and close before it has read a refused body: the answer still counts.
    req.on('error', (error) => (req.writableFinished ? undefined : reject(error)));
    req.end(body);
  });
}

function signedHeaders(body: string | Buffer, key: SigningKey, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'github-public-key-identifier': key.id,
    'github-public-key-signature': signReport(body, key),
    ...extra,
  };
}

function report(...matches: Array<{ token: string; url?: string; source?: string }>): string {
  return JSON.stringify(matches.map((m) => ({ token: m.token, type: TYPE, url: m.url ?? FOUND_AT, source: m.source ?? 'content' })));
}

/** Listens on a loopback port of its own for `app`. */
async function listen(app: express.Express): Promise<{ base: string; server: import('node:http').Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closeServer(server: { close(cb: () => void): unknown; closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('leaked-token reports from GitHub, through the example host', () => {
  let keys: TestKeyServer;
  let smtp: TestSmtpServer;
  let t: TestHost;
  let base: string;
  let server: import('node:http').Server;
  let seq = 0;

  before(async () => {
    keys = await TestKeyServer.start();
    smtp = await TestSmtpServer.start();
    t = await startTestHost({
      apiAccess: {
        notifications: { transport: smtp.url, from: FROM, adminUrl: ADMIN_URL },
        leakReports: { publicKeysUrl: keys.url, keyRefetchIntervalMs: 300 },
      },
    });
    await t.host.prisma.apiToken.deleteMany(); // room under the owner's active-token limit
    ({ base, server } = await listen(t.host.app));
  });
  after(async () => {
    await closeServer(server);
    await t.close();
    await smtp.stop();
    await keys.stop();
  });

  const create = (): Promise<IssuedToken> =>
    t.host.apiAccess.service.create(t.superAdmin, { name: `Leaked token ${++seq}`, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 30 } });
  const api = async (secret: string) => (await t.request.get('/api/v1/whoami').set('authorization', `Bearer ${secret}`)).status;
  const send = (body: string, key = keys.current) => post(base, body, signedHeaders(body, key));
  const auditOf = (tokenId: string) => t.host.prisma.apiAuditEvent.findMany({ where: { tokenId, action: 'token.reported_leaked' } });
  const mailsOf = async (tokenId: string) => {
    await t.host.apiAccess.leakReports.settled();
    return smtp.messages.filter((m) => m.text.includes(`(id ${tokenId})`));
  };

  it('a signed report of a valid token: disabled, refused on the API at once, audited, e-mailed; the answer labels each match', async () => {
    const issued = await create();
    assert.equal(await api(issued.secret), 200);
    const stranger = generateToken('aat'); // well-formed, never issued
    const res = await send(report({ token: issued.secret }, { token: stranger }, { token: 'aat_not-even-a-token' }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body as LeakFeedback[], [
      { token_raw: issued.secret, token_type: TYPE, label: 'true_positive' },
      { token_raw: stranger, token_type: TYPE, label: 'false_positive' },
      { token_raw: 'aat_not-even-a-token', token_type: TYPE, label: 'false_positive' },
    ]);
    assert.equal(await api(issued.secret), 401, 'refused on the very next request');

    const row = await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: issued.token.id } });
    assert.equal(row.enabled, false);
    const [event, ...more] = await auditOf(issued.token.id);
    assert.equal(more.length, 0);
    assert.equal(event!.actorEmail, 'GitHub secret scanning');
    assert.deepEqual(
      {
        action: (event!.details as Record<string, unknown>).action,
        url: (event!.details as Record<string, unknown>).url,
        source: (event!.details as Record<string, unknown>).source,
      },
      { action: 'disabled', url: FOUND_AT, source: 'content' },
    );
    const reports = await t.host.prisma.apiTokenLeakReport.findMany({ where: { tokenId: issued.token.id } });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.url, FOUND_AT);

    const [mail, ...others] = await mailsOf(issued.token.id);
    assert.equal(others.length, 0, 'one e-mail');
    assert.ok(mail, 'the owner and author were e-mailed');
    assert.deepEqual(mail.envelopeTo, [t.superAdmin.email]);
    assert.match(mail.subject, /^API token "Leaked token \d+" was found in public and has been disabled$/);
    assert.ok(mail.text.includes(FOUND_AT), 'says where it was found');
    assert.match(mail.text, /GitHub secret scanning found it \(content\)/);
    assert.match(mail.text, /It has been disabled/);
    assert.ok(mail.text.includes(`${ADMIN_URL}/resources/ApiToken/records/${issued.token.id}/show`));
    assert.ok(mail.html.includes(`href="${FOUND_AT}"`));

    // The secret is nowhere: not in the e-mail, the log, the audit event or the report.
    const lastPart = issued.secret.slice(-12);
    for (const [where, text] of [
      ['e-mail', mail.raw],
      ['log', t.logger.lines.join('\n')],
      ['audit', JSON.stringify(event)],
      ['report', JSON.stringify(reports)],
    ] as const) {
      assert.ok(!text.includes(issued.secret) && !text.includes(lastPart), `the secret is in the ${where}`);
    }
    assert.ok(!JSON.stringify(reports).includes(stranger) && !t.logger.lines.join('\n').includes(stranger), 'nor a stranger string');
    assert.ok(t.logger.lines.some((l) => l.includes(`reported leaked by GitHub secret scanning at ${FOUND_AT}; action: disabled`)));
  });

  it('a token reported twice is handled once: the second report is a true positive that changes nothing', async () => {
    const issued = await create();
    const body = report({ token: issued.secret });
    assert.equal((await send(body)).status, 200);
    const again = await send(report({ token: issued.secret, url: 'https://github.com/someone/fork/blob/1/x.env' }));
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, [{ token_raw: issued.secret, token_type: TYPE, label: 'true_positive' }]);
    assert.equal((await auditOf(issued.token.id)).length, 1);
    assert.equal((await mailsOf(issued.token.id)).length, 1);
    assert.equal(await t.host.prisma.apiTokenLeakReport.count({ where: { tokenId: issued.token.id } }), 1);
  });

  it('concurrent reports of one token (and one report naming it twice) are handled once', async () => {
    const issued = await create();
    const body = report({ token: issued.secret }, { token: issued.secret, source: 'commit' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(body)));
    for (const answer of answers) {
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(
        (answer.body as LeakFeedback[]).map((f) => f.label),
        ['true_positive', 'true_positive'],
      );
    }
    assert.equal((await auditOf(issued.token.id)).length, 1);
    assert.equal((await mailsOf(issued.token.id)).length, 1);
    assert.equal(await t.host.prisma.apiTokenLeakReport.count({ where: { tokenId: issued.token.id } }), 1);
    assert.equal(await api(issued.secret), 401);
  });

  it('a token already disabled: a true positive, recorded and audited, and it cannot be enabled again until regenerated', async () => {
    const issued = await create();
    await t.host.apiAccess.service.disable(t.superAdmin, issued.token.id);
    const res = await send(report({ token: issued.secret }));
    assert.deepEqual(res.body, [{ token_raw: issued.secret, token_type: TYPE, label: 'true_positive' }]);
    const events = await auditOf(issued.token.id);
    assert.deepEqual(
      events.map((e) => (e.details as { action: string }).action),
      ['already-refused'],
    );
    const [mail] = await mailsOf(issued.token.id);
    assert.match(mail?.text ?? '', /It was already refused \(disabled or expired\), and it cannot be enabled again with this secret/);
    const enabling = await t.host.apiAccess.service.enable(t.superAdmin, issued.token.id).catch((error: Error & { code?: string }) => error);
    assert.equal((enabling as { code?: string }).code, 'INVALID_STATE');
    assert.match((enabling as Error).message, /was reported leaked on .* UTC: regenerate it for a new secret, then enable it/);
    assert.equal(await api(issued.secret), 401);
    const regenerated = await t.host.apiAccess.service.regenerate(t.superAdmin, issued.token.id, { expiry: { type: 'days', days: 30 } });
    await t.host.apiAccess.service.enable(t.superAdmin, issued.token.id);
    assert.equal(await api(regenerated.secret), 200, 'a new secret can be enabled');
    assert.equal(await api(issued.secret), 401, 'the leaked one stays dead');
  });

  it('a rotated-out secret whose grace period is over is ours, but nothing is recorded', async () => {
    const issued = await create();
    await t.host.apiAccess.service.rotate(t.superAdmin, issued.token.id, { graceSeconds: 3600 });
    t.clock.advance(3_601_000);
    const res = await send(report({ token: issued.secret }));
    assert.deepEqual(res.body, [{ token_raw: issued.secret, token_type: TYPE, label: 'true_positive' }]);
    assert.equal((await auditOf(issued.token.id)).length, 0);
    assert.equal((await t.host.prisma.apiToken.findUniqueOrThrow({ where: { id: issued.token.id } })).enabled, true);
  });

  it('a rotated-out secret still in its grace period is reported: the token is disabled', async () => {
    const issued = await create();
    const rotated = await t.host.apiAccess.service.rotate(t.superAdmin, issued.token.id, { graceSeconds: 3600 });
    assert.equal(await api(issued.secret), 200, 'the old secret works in its grace period');
    const res = await send(report({ token: issued.secret }));
    assert.deepEqual(res.body, [{ token_raw: issued.secret, token_type: TYPE, label: 'true_positive' }]);
    assert.equal(await api(issued.secret), 401);
    assert.equal(await api(rotated.secret), 401, 'the policy disables the token');
    const [event] = await auditOf(issued.token.id);
    assert.equal((event?.details as { secret?: string } | undefined)?.secret, 'previous (rotation grace period)');
  });

  it('key rotation: a report signed with a new key identifier fetches the keys again and is verified', async () => {
    const issued = await create();
    assert.equal((await send(report({ token: generateToken('aat') }))).status, 200); // the keys are known
    const before = keys.requests;
    const rotated = keys.rotate();
    await sleep(350); // past keyRefetchIntervalMs
    const res = await send(report({ token: issued.secret }), rotated);
    assert.equal(res.status, 200, res.text);
    assert.equal(keys.requests, before + 1, 'fetched the keys once more');
    assert.equal(await api(issued.secret), 401);
    // The old key still signs (GitHub lists both while it rotates).
    assert.equal((await send(report({ token: generateToken('aat') }), keys.keys[0])).status, 200);
    assert.equal(keys.requests, before + 1);
  });
});

describe('leaked-token report refusals: before any database query', () => {
  let db: TestDatabase;
  let counter: QueryCounter;
  let prisma: PrismaClient;
  let keys: TestKeyServer;
  const apps: Array<{ apiAccess: ApiAccess; server: import('node:http').Server }> = [];

  /** A token system on a counted SQLite database with the handler mounted as the example host mounts it. */
  async function mount(options: {
    publicKeysUrl: string;
    keyFetchTimeoutMs?: number;
    jsonParserFirst?: boolean;
  }): Promise<{ base: string; logger: MemoryLogger }> {
    const logger = new MemoryLogger();
    const apiAccess = createApiAccess({
      prisma,
      pepper: TEST_PEPPER,
      users: new AdminUsers(prisma),
      logger,
      requestLog: { enabled: false },
      leakReports: {
        publicKeysUrl: options.publicKeysUrl,
        keyRefetchIntervalMs: 60_000,
        keyFetchAttempts: 2,
        keyFetchTimeoutMs: options.keyFetchTimeoutMs ?? 5_000,
        maxBodyBytes: 100_000,
      },
    });
    const app = express();
    if (options.jsonParserFirst) app.use(express.json());
    app.post(LEAK_REPORT_PATH, apiAccess.leakReportHandler());
    app.get(LEAK_REPORT_PATH, apiAccess.leakReportHandler());
    const { base, server } = await listen(app);
    apps.push({ apiAccess, server });
    return { base, logger };
  }

  before(async () => {
    db = createTestDatabase();
    counter = { count: 0 };
    prisma = new PrismaClient({ adapter: countingSqliteAdapter(db.url, counter) });
    keys = await TestKeyServer.start();
  });
  after(async () => {
    for (const { apiAccess, server } of apps) {
      await closeServer(server);
      await apiAccess.close();
    }
    await prisma.$disconnect();
    await keys.stop();
    db.remove();
  });

  it('refuses unsigned, badly signed, tampered, oversized, non-JSON and malformed reports with the status that fits', async () => {
    const { base, logger } = await mount({ publicKeysUrl: keys.url });
    const body = report({ token: generateToken('aat') });
    const key = keys.current;
    const stranger = newSigningKey();
    const start = counter.count;
    const cases: Array<[string, Promise<Sent>, number, RegExp]> = [
      ['no signature', post(base, body, { 'content-type': 'application/json' }), 401, /not signed/],
      ['no key identifier', post(base, body, { 'content-type': 'application/json', 'github-public-key-signature': signReport(body, key) }), 401, /not signed/],
      ['a signature that is not base64', post(base, body, signedHeaders(body, key, { 'github-public-key-signature': 'not base64!' })), 401, /malformed/],
      [
        'signed with another key under our key id',
        post(base, body, signedHeaders(body, key, { 'github-public-key-signature': signReport(body, stranger) })),
        401,
        /does not match/,
      ],
      ['a tampered body', post(base, body.replace('content', 'commit'), signedHeaders(body, key)), 401, /does not match/],
      [
        'a signature of garbage bytes',
        post(base, body, signedHeaders(body, key, { 'github-public-key-signature': Buffer.alloc(70, 1).toString('base64') })),
        401,
        /does not match/,
      ],
      ['not JSON by content type', post(base, body, signedHeaders(body, key, { 'content-type': 'text/plain' })), 415, /application\/json/],
      ['10 MB, declared', post(base, Buffer.alloc(10_000_000, 32), signedHeaders('x', key)), 413, /larger than 100000 bytes/],
      ['not JSON', post(base, '[{"token": ', signedHeaders('[{"token": ', key)), 400, /not valid JSON/],
      ['not UTF-8', post(base, Buffer.from([0x5b, 0xff, 0x5d]), signedHeaders(Buffer.from([0x5b, 0xff, 0x5d]), key)), 400, /not valid JSON/],
      ['an object, not an array', post(base, '{"token":"x"}', signedHeaders('{"token":"x"}', key)), 400, /array of 1 to 1000/],
      ['an empty array', post(base, '[]', signedHeaders('[]', key)), 400, /array of 1 to 1000/],
      ['a match without a token', post(base, '[{"type":"t","url":"u"}]', signedHeaders('[{"type":"t","url":"u"}]', key)), 400, /at 0\.token/],
      [
        'a token that is not a string',
        post(base, '[{"token":1,"type":"t","url":"u"}]', signedHeaders('[{"token":1,"type":"t","url":"u"}]', key)),
        400,
        /at 0\.token/,
      ],
    ];
    for (const [name, pending, status, message] of cases) {
      const res = await pending;
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.match(String((res.body as { error?: string } | null)?.error), message, name);
    }
    assert.equal(counter.count, start, 'no refused report reached the database');
    assert.ok(!logger.lines.join('\n').includes('aat_'), 'no token in the log');
  });

  it('a 10 MB body sent without a length is cut off at the limit', async () => {
    const { base } = await mount({ publicKeysUrl: keys.url });
    const start = counter.count;
    const res = await new Promise<Sent>((resolve, reject) => {
      const req = httpRequest(
        new URL(LEAK_REPORT_PATH, base),
        { method: 'POST', headers: { ...signedHeaders('x', keys.current), 'transfer-encoding': 'chunked' } },
        (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: null, text: '' }));
        },
      );
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      const chunk = Buffer.alloc(64 * 1024, 32);
      let sent = 0;
      const pump = () => {
        while (sent < 10_000_000) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(res.status, 413);
    assert.equal(counter.count, start);
  });

  it('an unknown key identifier fetches the keys once per interval, and is refused', async () => {
    const { base } = await mount({ publicKeysUrl: keys.url });
    const body = report({ token: generateToken('aat') });
    const fetched = keys.requests;
    for (let i = 0; i < 3; i++) {
      const made = newSigningKey();
      const res = await post(base, body, signedHeaders(body, made));
      assert.equal(res.status, 401, res.text);
      assert.match(res.text, /unknown key/);
    }
    assert.equal(keys.requests, fetched + 1, 'made-up key identifiers fetch the keys at most once per interval');
    assert.equal((await post(base, body, signedHeaders(body, keys.current))).status, 200, 'the known key still verifies');
    assert.equal(keys.requests, fetched + 1);
  });

  it('an unknown key identifier while the key server is down: 503, so that GitHub sends it again', async () => {
    const down = await TestKeyServer.start();
    await down.stop();
    const { base, logger } = await mount({ publicKeysUrl: down.url });
    const body = report({ token: generateToken('aat') });
    const start = counter.count;
    const res = await post(base, body, signedHeaders(body, down.current));
    assert.equal(res.status, 503, res.text);
    assert.match(res.text, /cannot be fetched now/);
    assert.ok(logger.lines.some((l) => l.includes('could not fetch the secret scanning public keys') && l.includes('2 tries')));
    assert.equal(counter.count, start);
  });

  it('a key server that never answers: the fetch times out, bounded, and the report gets 503', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { base } = await mount({ publicKeysUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/keys`, keyFetchTimeoutMs: 300 });
      const body = report({ token: generateToken('aat') });
      const started = performance.now();
      const res = await post(base, body, signedHeaders(body, keys.current));
      const took = performance.now() - started;
      assert.equal(res.status, 503);
      assert.ok(took < 3_000, `gave up after ${Math.round(took)} ms (2 tries of 300 ms and a 200 ms pause)`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('GET is refused; a host that parses JSON before the handler is told to mount it first', async () => {
    const { base } = await mount({ publicKeysUrl: keys.url });
    const get = await new Promise<number>((resolve, reject) => {
      httpRequest(new URL(LEAK_REPORT_PATH, base), { method: 'GET' }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(get, 405);
    const misordered = await mount({ publicKeysUrl: keys.url, jsonParserFirst: true });
    const body = report({ token: generateToken('aat') });
    const res = await post(misordered.base, body, signedHeaders(body, keys.current));
    assert.equal(res.status, 500);
    assert.match(res.text, /misconfigured/);
    assert.ok(misordered.logger.lines.some((l) => l.includes('mount it before any body parser')));
  });
});
