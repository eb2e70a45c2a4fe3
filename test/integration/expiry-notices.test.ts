/**
 * Expiry e-mails end to end: the example host on a real SQLite database, a real SMTP server on
 * loopback that keeps what it receives, and a test clock moved across a token's life. Checks the
 * 30/7/1-day and expired schedule, that each notice goes out exactly once however the job is run,
 * what the message says (and never says), and that an SMTP failure is retried, never lost.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiTokenExpiryNotice } from '@prisma/client';
import {
  ApiAccessError,
  createApiAccess,
  hashToken,
  type Actor,
  type ApiAccess,
  type ExpiryNoticeReport,
  type IssuedToken,
  type NotificationsOptions,
} from 'adminjs-api-access';
import { notificationsFromEnv } from '../../example-app/src/notifications.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { AdminUsers } from '../../example-app/src/users.js';
import { createTestDatabase } from '../helpers/database.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { lineProcess } from '../helpers/line-process.js';
import { parseMail, TestSmtpServer, type ReceivedMail } from '../helpers/smtp.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const FROM = 'API Access <api-access@example.test>';
const ADMIN_URL = 'http://admin.example.test/admin';

function notifications(smtp: TestSmtpServer, extra: Partial<NotificationsOptions> = {}): NotificationsOptions {
  return { transport: smtp.url, from: FROM, adminUrl: ADMIN_URL, ...extra };
}

/** A host whose expiry e-mails go to `smtp`, without the seeded tokens (they would mail too). */
async function hostFor(smtp: TestSmtpServer, extra: Partial<NotificationsOptions> = {}): Promise<TestHost> {
  const t = await startTestHost({ apiAccess: { notifications: notifications(smtp, extra) } });
  await t.host.prisma.apiToken.deleteMany();
  return t;
}

/** The kind of notice a message is, read from its subject. */
function kindOf(mail: ReceivedMail): string {
  if (/has expired$/.test(mail.subject)) return 'expired';
  const days = /expires in (\d+) days?$/.exec(mail.subject)?.[1];
  if (days) return `${days}d`;
  throw new Error(`not an expiry notice: ${mail.subject}`);
}

let seq = 0;
async function create(t: TestHost, actor: Actor, input: Record<string, unknown> = {}): Promise<IssuedToken> {
  return t.host.apiAccess.service.create(actor, {
    name: `Expiry token ${++seq}`,
    roleIds: [t.roles.vaultSummary],
    expiry: { type: 'days', days: 60 },
    ...input,
  });
}

/** Another super admin who has signed in, to own tokens beyond one owner's limit of five. */
async function superAdmin(t: TestHost): Promise<Actor> {
  const n = ++seq;
  const row = await t.host.prisma.adminUser.create({
    data: { email: `owner${n}@example.com`, name: `Owner ${n}`, passwordHash: 'not-used', role: 'super_admin', lastSignInAt: t.clock.now() },
  });
  return { id: row.id, email: row.email, isSuperAdmin: true };
}

/** Moves the clock to `ms` before the token's expiry (plus a minute, so the moment has passed). */
function moveTo(t: TestHost, expiresAt: Date, msBefore: number): void {
  const target = expiresAt.getTime() - msBefore + MINUTE;
  t.clock.advance(target - t.clock.now().getTime());
}

async function notices(t: TestHost, tokenId: string): Promise<ApiTokenExpiryNotice[]> {
  return t.host.prisma.apiTokenExpiryNotice.findMany({ where: { tokenId }, orderBy: { createdAt: 'asc' } });
}

/** A second host on the same database: its own PrismaClient and token system, the same clock. */
function secondHost(t: TestHost, smtp: TestSmtpServer): { apiAccess: ApiAccess; close(): Promise<void> } {
  const prisma = createPrismaClient(t.db.url);
  const apiAccess = createApiAccess({
    prisma,
    pepper: TEST_PEPPER,
    users: new AdminUsers(prisma),
    clock: t.clock.now,
    logger: t.logger,
    notifications: notifications(smtp),
  });
  return {
    apiAccess,
    async close() {
      await apiAccess.close();
      await prisma.$disconnect();
    },
  };
}

/** A second host in its own process (test/helpers/jobs-process.ts), on the same database. */
function otherProcess(t: TestHost, smtpUrl: string, runs: number) {
  const child = lineProcess('jobs-process.ts', [], { DATABASE_URL: t.db.url, SMTP_URL: smtpUrl, ADMIN_URL, RUNS: String(runs) });
  return {
    ready: child.ready(),
    run: (offsetMs: number) => child.ask<ExpiryNoticeReport[]>(String(offsetMs)),
    stderr: child.stderr,
    close: child.close,
  };
}

describe('expiry e-mails', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await TestSmtpServer.start();
  });
  after(async () => smtp.stop());

  it('a run while another transaction in the host is open and then rolls back: what it sent stays marked sent', async () => {
    // On SQLite the host's Prisma client has one connection: a write sent while a transaction is
    // open on it (a token operation in progress) ran inside that transaction and was undone with
    // it, so the notice was sent again by the next run.
    const t = await hostFor(smtp);
    try {
      const { token } = await create(t, t.superAdmin, { expiry: { type: 'days', days: 60 } });
      moveTo(t, token.expiresAt!, 30 * DAY);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const other = t.host.prisma
        .$transaction(
          async (tx) => {
            await tx.$executeRaw`UPDATE "ApiToken" SET "name" = "name" WHERE "id" = 'none'`;
            await held;
            throw new Error('rolled back on purpose');
          },
          { timeout: 20_000 },
        )
        .catch((error: Error) => error);
      await sleep(50); // the other transaction is open
      const run = t.host.apiAccess.runJobs();
      await sleep(300); // the run has claimed, and maybe sent and marked, its notice
      release();
      assert.equal(((await other) as Error).message, 'rolled back on purpose');
      assert.equal((await run).expiryNotices?.sent['30d'], 1);
      assert.equal((await t.host.apiAccess.runJobs()).expiryNotices?.sent['30d'], 0, 'the next run sends nothing');
      assert.equal(smtp.for(token.id).length, 1, 'one e-mail');
      const [notice] = await notices(t, token.id);
      assert.ok(notice?.sentAt, 'the notice is marked sent');
    } finally {
      await t.close();
    }
  });

  it('go out 30, 7 and 1 day before the expiry and when it passes, each exactly once across reruns and restarts', async () => {
    const t = await hostFor(smtp);
    try {
      const { token } = await create(t, t.superAdmin, { expiry: { type: 'days', days: 60 } });
      const expiresAt = token.expiresAt!;
      const run = () => t.host.apiAccess.runJobs();
      const kinds = () => smtp.for(token.id).map(kindOf);

      assert.equal((await run()).expiryNotices?.checked, 0, 'nothing to look at 60 days out');
      moveTo(t, expiresAt, 31 * DAY);
      await run();
      assert.deepEqual(kinds(), [], 'nothing 31 days before');

      const steps: Array<[number, string]> = [
        [30 * DAY, '30d'],
        [7 * DAY, '7d'],
        [DAY, '1d'],
        [0, 'expired'],
      ];
      const expected: string[] = [];
      for (const [before, kind] of steps) {
        moveTo(t, expiresAt, before);
        const report = await run();
        expected.push(kind);
        assert.deepEqual(kinds(), expected, `the ${kind} notice`);
        assert.equal(report.expiryNotices?.sent[kind as '30d'], 1);
        // Rerunning, and a restarted host (a new instance on the same database), send nothing more.
        assert.equal((await run()).expiryNotices?.sent[kind as '30d'], 0);
        const restarted = secondHost(t, smtp);
        try {
          const again = await restarted.apiAccess.runJobs();
          assert.equal(again.expiryNotices?.failed, 0);
          assert.deepEqual(again.expiryNotices?.sent, { '30d': 0, '7d': 0, '1d': 0, expired: 0 });
        } finally {
          await restarted.close();
        }
        t.clock.advance(2 * 60 * MINUTE);
        await run();
        assert.deepEqual(kinds(), expected, `still one ${kind} notice two hours later`);
      }
      // A week after the expiry the token leaves the notice window; nothing more, ever.
      t.clock.advanceDays(30);
      await run();
      assert.deepEqual(kinds(), ['30d', '7d', '1d', 'expired']);

      const rows = await notices(t, token.id);
      assert.deepEqual(
        rows.map((r) => r.kind),
        ['30d', '7d', '1d', 'expired'],
      );
      for (const row of rows) {
        assert.ok(row.sentAt instanceof Date, `${row.kind} marked sent`);
        assert.equal(row.attempts, 1);
        assert.equal(row.lastError, null);
        assert.equal(row.expiresAt.getTime(), expiresAt.getTime());
        assert.equal(row.recipients, t.superAdmin.email);
      }
      for (const mail of smtp.for(token.id)) {
        assert.deepEqual(mail.envelopeTo, [t.superAdmin.email], 'the author, who is also the owner, gets one copy');
        assert.equal(mail.envelopeFrom, 'api-access@example.test');
      }
    } finally {
      await t.close();
    }
  });

  it('name the token, its expiry and its admin page, in plain text and HTML, and never carry the secret or its hash', async () => {
    const t = await hostFor(smtp);
    try {
      const name = 'Billing <sync> & "co"';
      const issued = await create(t, t.superAdmin, { name, expiry: { type: 'days', days: 30 } });
      // Rotating too: neither the old nor the new secret may appear.
      const rotated = await t.host.apiAccess.service.rotate(t.superAdmin, issued.token.id, { graceSeconds: 3600 });
      const secrets = [issued.secret, rotated.secret];
      moveTo(t, issued.token.expiresAt!, 7 * DAY);
      await t.host.apiAccess.runJobs();
      const [mail, ...more] = smtp.for(issued.token.id);
      assert.ok(mail, 'the 7-day notice arrived');
      assert.equal(more.length, 0);

      const link = `${ADMIN_URL}/resources/ApiToken/records/${issued.token.id}/show`;
      const expiry = `${issued.token.expiresAt!.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      assert.equal(mail.subject, `API token "${name}" expires in 7 days`);
      assert.deepEqual(mail.parts.map((p) => p.contentType).sort(), ['text/html', 'text/plain']);
      assert.ok(mail.text.includes(`"${name}"`), mail.text);
      assert.ok(mail.text.includes(expiry), `text names the expiry ${expiry}`);
      assert.ok(mail.text.includes(link), 'text links to the token');
      assert.ok(mail.html.includes('Billing &lt;sync&gt; &amp; &quot;co&quot;'), 'HTML escapes the name');
      assert.ok(!mail.html.includes('<sync>'), 'no markup from the name');
      assert.ok(mail.html.includes(expiry));
      assert.ok(mail.html.includes(`href="${link}"`), 'HTML links to the token');
      assert.match(mail.messageId, /^<expiry-notice-[a-z0-9]+@example\.test>$/);

      for (const secret of secrets) {
        const hash = hashToken(TEST_PEPPER, secret);
        for (const [where, text] of [['raw message', mail.raw], ...mail.parts.map((p) => [p.contentType, p.body])] as const) {
          assert.ok(!text.includes(secret), `the secret is in the ${where}`);
          assert.ok(!text.includes(hash), `the secret's hash is in the ${where}`);
          // Quoted-printable or base64 could hide it from a plain search of the raw message.
          assert.ok(!text.includes(secret.slice(4, 20)), `part of the secret is in the ${where}`);
        }
        const stored = JSON.stringify(await notices(t, issued.token.id));
        assert.ok(!stored.includes(secret) && !stored.includes(hash), 'the notice row holds no secret');
        assert.ok(!t.logger.lines.join('\n').includes(secret), 'the log holds no secret');
      }
    } finally {
      await t.close();
    }
  });

  it('a token created with less than 30 days left gets only the notices still ahead of it', async () => {
    const t = await hostFor(smtp);
    try {
      const in20Days = new Date(t.clock.now().getTime() + 20 * DAY);
      const short = await create(t, t.superAdmin, { expiry: { type: 'date', date: in20Days.toISOString() } });
      // Exactly 30 days: its 30-day moment is its creation, which is not "ahead" either.
      const month = await create(t, t.superAdmin, { expiry: { type: 'days', days: 30 } });
      await t.host.apiAccess.runJobs();
      assert.equal(smtp.for(short.token.id).length + smtp.for(month.token.id).length, 0, 'no mail at creation');

      for (const days of [19, 10, 7, 3, 1, 0, -1]) {
        moveTo(t, short.token.expiresAt!, days * DAY);
        await t.host.apiAccess.runJobs();
      }
      assert.deepEqual(smtp.for(short.token.id).map(kindOf), ['7d', '1d', 'expired']);
      for (const days of [7, 1, 0]) {
        moveTo(t, month.token.expiresAt!, days * DAY);
        await t.host.apiAccess.runJobs();
      }
      assert.deepEqual(smtp.for(month.token.id).map(kindOf), ['7d', '1d', 'expired']);
      assert.equal(await t.host.prisma.apiTokenExpiryNotice.count({ where: { kind: '30d' } }), 0, 'no 30-day notice was even claimed');
    } finally {
      await t.close();
    }
  });

  it('go to both the author and the owner when a token admin creates a token for another user', async () => {
    const t = await hostFor(smtp);
    try {
      await t.signIn('admin@example.com', 'admin-demo'); // a token can only be given to someone who has signed in
      const { token } = await create(t, t.superAdmin, { ownerId: t.admin.id, expiry: { type: 'days', days: 60 } });
      assert.equal(token.ownerEmail, t.admin.email);
      assert.equal(token.createdByEmail, t.superAdmin.email);
      moveTo(t, token.expiresAt!, 30 * DAY);
      await t.host.apiAccess.runJobs();
      const mails = smtp.for(token.id);
      assert.equal(mails.length, 1, 'one message, addressed to both');
      assert.deepEqual([...mails[0]!.envelopeTo].sort(), [t.admin.email, t.superAdmin.email].sort());
      assert.ok(mails[0]!.headers.get('to')?.includes(t.admin.email));
      assert.ok(mails[0]!.headers.get('to')?.includes(t.superAdmin.email));
      const [row] = await notices(t, token.id);
      assert.deepEqual(row!.recipients.split(', ').sort(), [t.admin.email, t.superAdmin.email].sort());
    } finally {
      await t.close();
    }
  });

  it("go to the addresses the host's users have now: a changed e-mail gets them; a user the directory no longer finds, the stored one", async () => {
    const t = await hostFor(smtp);
    try {
      const author = t.superAdmin; // the token admin
      const owner = await superAdmin(t);
      const { token } = await create(t, author, { ownerId: owner.id, expiry: { type: 'days', days: 60 } });
      assert.equal(token.ownerEmail, owner.email);

      // The owner's address changes after the token was made; the token keeps its copy.
      await t.host.prisma.adminUser.update({ where: { id: owner.id }, data: { email: 'renamed.owner@example.com' } });
      moveTo(t, token.expiresAt!, 30 * DAY);
      await t.host.apiAccess.runJobs();
      assert.deepEqual([...smtp.for(token.id)[0]!.envelopeTo].sort(), [author.email, 'renamed.owner@example.com'].sort());
      assert.deepEqual((await notices(t, token.id))[0]!.recipients.split(', ').sort(), [author.email, 'renamed.owner@example.com'].sort());

      // The author is disabled (the example host's directory then does not find them): their
      // address stored with the token still gets it, beside the owner's current one.
      await t.host.prisma.adminUser.update({ where: { id: author.id }, data: { disabled: true, email: 'gone@example.com' } });
      moveTo(t, token.expiresAt!, 7 * DAY);
      await t.host.apiAccess.runJobs();
      const mails = smtp.for(token.id);
      assert.deepEqual(mails.map(kindOf), ['30d', '7d']);
      assert.deepEqual([...mails[1]!.envelopeTo].sort(), [author.email, 'renamed.owner@example.com'].sort());
    } finally {
      await t.close();
    }
  });

  it('a user directory that fails leaves the notice unsent, and the next run sends it', async () => {
    const t = await hostFor(smtp);
    // A host of its own on the same database, whose directory can be made to fail.
    const prisma = createPrismaClient(t.db.url);
    const directory = new AdminUsers(prisma);
    let reachable = true;
    const apiAccess = createApiAccess({
      prisma,
      pepper: TEST_PEPPER,
      users: { findById: (id) => (reachable ? directory.findById(id) : Promise.reject(new Error('directory unreachable'))) },
      clock: t.clock.now,
      logger: t.logger,
      notifications: notifications(smtp),
    });
    try {
      const { token } = await create(t, t.superAdmin, { expiry: { type: 'days', days: 60 } });
      moveTo(t, token.expiresAt!, 30 * DAY);
      reachable = false;
      const failed = await apiAccess.runJobs();
      assert.equal(failed.expiryNotices?.failed, 1);
      assert.equal(smtp.for(token.id).length, 0);
      assert.ok(
        t.logger.lines.some((l) => l.startsWith('warn') && l.includes('could not resolve recipients; will retry') && l.includes('directory unreachable')),
      );
      const [row] = await notices(t, token.id);
      assert.equal(row!.sentAt, null, 'released for the next run');
      reachable = true;
      await apiAccess.runJobs();
      assert.deepEqual(smtp.for(token.id).map(kindOf), ['30d']);
      assert.deepEqual(smtp.for(token.id)[0]!.envelopeTo, [t.superAdmin.email]);
    } finally {
      await apiAccess.close();
      await prisma.$disconnect();
      await t.close();
    }
  });

  it('regenerating with a new expiry starts the series again; the old expiry gets nothing more', async () => {
    const t = await hostFor(smtp);
    try {
      const issued = await create(t, t.superAdmin, { expiry: { type: 'days', days: 60 } });
      const firstExpiry = issued.token.expiresAt!;
      moveTo(t, firstExpiry, 30 * DAY);
      await t.host.apiAccess.runJobs();
      assert.deepEqual(smtp.for(issued.token.id).map(kindOf), ['30d']);

      const regenerated = await t.host.apiAccess.service.regenerate(t.superAdmin, issued.token.id, { expiry: { type: 'days', days: 60 } });
      const secondExpiry = regenerated.token.expiresAt!;
      assert.ok(secondExpiry > firstExpiry);
      await t.host.apiAccess.runJobs();
      // The old expiry's 7-day, 1-day and expired moments pass without a word.
      for (const before of [7 * DAY, DAY, 0]) {
        moveTo(t, firstExpiry, before);
        await t.host.apiAccess.runJobs();
      }
      assert.deepEqual(smtp.for(issued.token.id).map(kindOf), ['30d']);

      for (const before of [30 * DAY, 7 * DAY, DAY, 0]) {
        moveTo(t, secondExpiry, before);
        await t.host.apiAccess.runJobs();
      }
      const mails = smtp.for(issued.token.id);
      assert.deepEqual(mails.map(kindOf), ['30d', '30d', '7d', '1d', 'expired']);
      const secondExpiryText = secondExpiry.toISOString().slice(0, 16).replace('T', ' ');
      assert.ok(
        mails.slice(1).every((m) => m.text.includes(secondExpiryText)),
        'the new series names the new expiry',
      );
      const rows = await notices(t, issued.token.id);
      assert.deepEqual(
        rows.map((r) => [r.kind, r.expiresAt.getTime()]),
        [
          ['30d', firstExpiry.getTime()],
          ['30d', secondExpiry.getTime()],
          ['7d', secondExpiry.getTime()],
          ['1d', secondExpiry.getTime()],
          ['expired', secondExpiry.getTime()],
        ],
      );
    } finally {
      await t.close();
    }
  });

  it('a deleted token gets none; a disabled one gets none while disabled, and the notices still ahead once enabled', async () => {
    const t = await hostFor(smtp);
    try {
      const deleted = await create(t, t.superAdmin);
      const disabled = await create(t, t.superAdmin);
      await t.host.apiAccess.service.delete(t.superAdmin, deleted.token.id);
      await t.host.apiAccess.service.disable(t.superAdmin, disabled.token.id);
      for (const before of [30 * DAY, 20 * DAY]) {
        moveTo(t, disabled.token.expiresAt!, before);
        await t.host.apiAccess.runJobs();
      }
      assert.equal(smtp.for(deleted.token.id).length, 0);
      assert.equal(smtp.for(disabled.token.id).length, 0);

      await t.host.apiAccess.service.enable(t.superAdmin, disabled.token.id);
      await t.host.apiAccess.runJobs();
      assert.deepEqual(smtp.for(disabled.token.id).map(kindOf), ['20d'], 'the 30-day notice, late, says how long is really left');
      assert.equal((await notices(t, disabled.token.id))[0]?.kind, '30d');

      for (const before of [7 * DAY, DAY, 0]) {
        moveTo(t, deleted.token.expiresAt!, before);
        await t.host.apiAccess.runJobs();
      }
      assert.equal(smtp.for(deleted.token.id).length, 0, 'never anything for the deleted token');
      assert.equal(await t.host.prisma.apiTokenExpiryNotice.count({ where: { tokenId: deleted.token.id } }), 0);
    } finally {
      await t.close();
    }
  });

  it('runs started at once, in one host and in two host processes sharing the database, never send a notice twice', async () => {
    // Pooled SMTP connections, as a busy host would configure them (and the test SMTP server
    // makes every new connection wait 100 ms).
    const transport = `${smtp.url}?pool=true`;
    const t = await hostFor(smtp, { transport });
    const other = otherProcess(t, transport, 3);
    try {
      await other.ready;
      const owners = [t.superAdmin, await superAdmin(t), await superAdmin(t)];
      const tokens: IssuedToken[] = [];
      for (let i = 0; i < 12; i++) tokens.push(await create(t, owners[i % owners.length]!, { expiry: { type: 'days', days: 60 } }));
      const expiresAt = tokens[tokens.length - 1]!.token.expiresAt!;
      const before = smtp.messages.length;

      for (const [lead, kind] of [
        [30 * DAY, '30d'],
        [7 * DAY, '7d'],
        [0, 'expired'],
      ] as const) {
        moveTo(t, expiresAt, lead);
        // Three runs in the other process and three here, all at once.
        const reports = (
          await Promise.all([
            other.run(t.clock.now().getTime() - Date.now()),
            Promise.all([t.host.apiAccess.notifier!.run(), t.host.apiAccess.notifier!.run(), t.host.apiAccess.runJobs().then((r) => r.expiryNotices!)]),
          ])
        ).flat();
        const sent = reports.reduce((sum, r) => sum + r.sent[kind], 0);
        assert.equal(sent, tokens.length, `the runs sent ${sent} ${kind} notices between them, for ${tokens.length} tokens`);
        assert.equal(
          reports.reduce((sum, r) => sum + r.failed, 0),
          0,
          t.logger.lines.filter((l) => !l.startsWith('info')).join('\n') + other.stderr(),
        );
        assert.ok(
          reports.slice(0, 3).some((r) => r.checked > 0),
          'the other process took part',
        );
        for (const { token } of tokens) {
          assert.equal(smtp.for(token.id).filter((m) => kindOf(m) === kind).length, 1, `${token.name}: one ${kind}`);
        }
      }
      assert.equal(smtp.messages.length - before, tokens.length * 3);
      assert.equal(await t.host.prisma.apiTokenExpiryNotice.count({ where: { sentAt: null } }), 0);
      const attempts = await t.host.prisma.apiTokenExpiryNotice.findMany({ select: { attempts: true } });
      assert.ok(
        attempts.every((a) => a.attempts === 1),
        'no notice was claimed twice',
      );
    } finally {
      await other.close();
      await t.close();
    }
  });

  it('an SMTP failure (4xx, 5xx, server down) never marks the notice sent; the next run retries and delivers it', async () => {
    const local = await TestSmtpServer.start();
    const t = await hostFor(local);
    try {
      const { token } = await create(t, t.superAdmin);
      moveTo(t, token.expiresAt!, 30 * DAY);
      const row = async () => (await notices(t, token.id))[0]!;

      local.refusal = { stage: 'mail', code: 451, message: 'Try again later' };
      let report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.failed, 1);
      assert.equal(report.expiryNotices?.sent['30d'], 0);
      let notice = await row();
      assert.equal(notice.sentAt, null, 'not marked sent');
      assert.equal(notice.claimedAt, null, 'the claim is released at once');
      assert.equal(notice.attempts, 1);
      assert.match(notice.lastError ?? '', /451/);

      local.refusal = { stage: 'data', code: 554, message: 'Transaction failed' };
      report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.failed, 1);
      notice = await row();
      assert.equal(notice.sentAt, null);
      assert.equal(notice.attempts, 2);
      assert.match(notice.lastError ?? '', /554/);

      local.refusal = null;
      await local.stop();
      report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.failed, 1);
      notice = await row();
      assert.equal(notice.sentAt, null);
      assert.equal(notice.attempts, 3);
      assert.match(notice.lastError ?? '', /ECONNREFUSED/);
      assert.equal(local.messages.length, 0);
      assert.ok(t.logger.lines.some((l) => l.startsWith('warn') && l.includes('could not be sent; will retry')));

      await local.restart();
      report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.sent['30d'], 1);
      assert.equal(report.expiryNotices?.failed, 0);
      notice = await row();
      assert.ok(notice.sentAt instanceof Date);
      assert.equal(notice.attempts, 4);
      assert.equal(notice.lastError, null);
      assert.deepEqual(local.for(token.id).map(kindOf), ['30d']);

      await t.host.apiAccess.runJobs();
      assert.equal(local.for(token.id).length, 1, 'delivered once');
    } finally {
      await t.close();
      await local.stop();
    }
  });

  it('a claim held by another run is left alone; one whose run died is taken over after the lease (at-least-once)', async () => {
    const t = await hostFor(smtp);
    try {
      const { token } = await create(t, t.superAdmin);
      moveTo(t, token.expiresAt!, 7 * DAY);
      // Another host claimed the 7-day notice and is sending it (or died doing so).
      await t.host.prisma.apiTokenExpiryNotice.create({
        data: { tokenId: token.id, expiresAt: token.expiresAt!, kind: '7d', claimedAt: t.clock.now(), claimId: 'another-run', attempts: 1 },
      });
      let report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.skipped, 1);
      assert.equal(smtp.for(token.id).length, 0, 'a live claim is respected');

      t.clock.advance(9 * MINUTE);
      await t.host.apiAccess.runJobs();
      assert.equal(smtp.for(token.id).length, 0, 'still within the 10-minute lease');

      t.clock.advance(2 * MINUTE);
      report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.sent['7d'], 1);
      assert.deepEqual(smtp.for(token.id).map(kindOf), ['7d']);
      const [row] = await notices(t, token.id);
      assert.ok(row!.sentAt instanceof Date);
      assert.equal(row!.attempts, 2);
      assert.notEqual(row!.claimId, 'another-run');
    } finally {
      await t.close();
    }
  });

  it('the host starts the jobs with one call and close() stops them, waiting for the run in progress', async () => {
    const t = await hostFor(smtp);
    let closed = false;
    try {
      const { token } = await create(t, t.superAdmin);
      moveTo(t, token.expiresAt!, 30 * DAY);
      assert.throws(
        () => t.host.apiAccess.startJobs({ intervalMs: 5 }),
        (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_OPTIONS' && e.message.includes('startJobs.intervalMs'),
      );
      t.host.apiAccess.startJobs({ intervalMs: 20 });
      for (let i = 0; i < 200 && smtp.for(token.id).length === 0; i++) await sleep(10);
      assert.deepEqual(smtp.for(token.id).map(kindOf), ['30d'], 'the first run goes at once');

      moveTo(t, token.expiresAt!, 7 * DAY);
      for (let i = 0; i < 200 && smtp.for(token.id).length === 1; i++) await sleep(10);
      assert.deepEqual(smtp.for(token.id).map(kindOf), ['30d', '7d'], 'and runs again every interval');

      await t.close();
      closed = true;
      moveTo(t, token.expiresAt!, DAY);
      await sleep(150);
      assert.deepEqual(smtp.for(token.id).map(kindOf), ['30d', '7d'], 'no run after close');
      await assert.rejects(t.host.apiAccess.runJobs(), (e: unknown) => e instanceof ApiAccessError && e.code === 'INVALID_STATE');
      assert.ok(
        t.logger.lines.some((l) => l.includes('expiry notices: 1 sent')),
        'a run that sent something is logged',
      );
    } finally {
      if (!closed) await t.close();
    }
  });

  it('without SMTP_URL the example host writes each message as an .eml file into its outbox and logs the path', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'api-access-outbox-'));
    const lines: string[] = [];
    const options = notificationsFromEnv({ dataDir, adminUrl: ADMIN_URL, log: (line) => lines.push(line), env: {} });
    const t = await startTestHost({ apiAccess: { notifications: options } });
    try {
      await t.host.prisma.apiToken.deleteMany();
      const { token, secret } = await create(t, t.superAdmin, { name: 'Outbox token' });
      moveTo(t, token.expiresAt!, 30 * DAY);
      const report = await t.host.apiAccess.runJobs();
      assert.equal(report.expiryNotices?.sent['30d'], 1);
      const outbox = path.join(dataDir, 'outbox');
      const files = readdirSync(outbox);
      assert.equal(files.length, 1, `one file, no partial left: ${files.join(', ')}`);
      assert.match(files[0]!, /\.eml$/);
      const file = path.join(outbox, files[0]!);
      assert.ok(lines.includes(`Expiry e-mail written to ${file}`), lines.join('\n'));
      assert.ok(lines.some((l) => l.includes('No SMTP_URL set')));
      const raw = readFileSync(file, 'utf8');
      const mail = parseMail(raw);
      assert.equal(mail.subject, 'API token "Outbox token" expires in 30 days');
      assert.ok(mail.text.includes(`/resources/ApiToken/records/${token.id}/show`));
      assert.ok(mail.html.includes('Outbox token'));
      assert.match(raw, /^To: super@example\.com$/m);
      assert.ok(!raw.includes(secret) && !raw.includes(hashToken(TEST_PEPPER, secret)));
      const [row] = await notices(t, token.id);
      assert.ok(row!.sentAt instanceof Date);
    } finally {
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('with SMTP_URL the example host sends through it, names it without its password, and starts the jobs itself; SIGTERM stops them cleanly', async () => {
    const db = createTestDatabase();
    try {
      // A token whose 7-day notice is due, put straight into the database before the host starts.
      const prisma = createPrismaClient(db.url);
      const now = Date.now();
      await prisma.apiToken.create({
        data: {
          name: 'Due at start',
          secretHash: 'f'.repeat(64),
          lastFour: 'abcd',
          allowedIps: [],
          expiresAt: new Date(now + 7 * DAY - MINUTE),
          secretIssuedAt: new Date(now - 20 * DAY),
          ownerId: 'someone',
          ownerEmail: 'owner@example.net',
          createdById: 'someone',
          createdByEmail: 'owner@example.net',
        },
      });
      await prisma.$disconnect();
      const url = new URL(smtp.url);
      url.username = 'mailer';
      url.password = 'hunter2-smtp-password';
      const child = spawn(process.execPath, ['--import', 'tsx', 'example-app/src/main.ts'], {
        env: {
          ...process.env,
          PORT: '0',
          DATABASE_URL: db.url,
          API_ACCESS_PEPPER: TEST_PEPPER,
          SESSION_SECRET: 'test-session-secret-0123456789-abcdefghijklmnop',
          SMTP_URL: url.toString(),
          PUBLIC_ADMIN_URL: ADMIN_URL,
          JOBS_INTERVAL_MS: '60000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const due = () => smtp.messages.filter((m) => m.subject === 'API token "Due at start" expires in 7 days');
      for (let i = 0; i < 300 && (due().length === 0 || !output.includes('Admin panel:')); i++) await sleep(50);
      assert.equal(due().length, 1, `the host sent the due notice at start:\n${output}`);
      assert.deepEqual(due()[0]!.envelopeTo, ['owner@example.net']);
      assert.ok(output.includes('Expiry e-mails go out through smtp://mailer:***@127.0.0.1:'), output);
      assert.ok(!output.includes('hunter2'), 'the SMTP password is never logged');
      assert.equal(due()[0]!.authUser, 'mailer', "signed in with the URL's credentials");
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      assert.match(output, /stopping the jobs[\s\S]*Stopped\./);
    } finally {
      db.remove();
    }
  });
});

describe('an expired token without any job', () => {
  let t: TestHost;
  before(async () => {
    t = await startTestHost();
  });
  after(async () => t.close());

  it('shows as Expired in the admin list and is refused by the API', async () => {
    const issued = await create(t, t.superAdmin, { expiry: { type: 'date', date: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() } });
    const agent = await t.signIn('super@example.com', 'super-admin-demo');
    const statusInList = async () => {
      const list = await agent.get('/admin/api/resources/ApiToken/actions/list?perPage=50').expect(200);
      return (list.body.records as Array<{ id: string; params: { status: string } }>).find((r) => r.id === issued.token.id)?.params.status;
    };
    assert.equal(await statusInList(), 'active');
    await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${issued.secret}`).expect(200);

    t.clock.advance(7 * DAY + MINUTE);
    assert.equal(await statusInList(), 'expired');
    const refused = await t.request.get('/api/v1/vaults').set('Authorization', `Bearer ${issued.secret}`).expect(401);
    assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
    assert.match(String(refused.headers['www-authenticate']), /expired/);
    assert.equal(await t.host.prisma.apiTokenExpiryNotice.count(), 0, 'no job ran');
  });
});
