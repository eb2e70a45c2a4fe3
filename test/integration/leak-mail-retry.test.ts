/**
 * Leak-report e-mails are as reliable as expiry e-mails: the example host on a real database
 * (SQLite, and PostgreSQL in the PostgreSQL run), a real SMTP server on loopback that refuses mail
 * or goes down, and a test clock. A send that fails when the token is reported is recorded on the
 * report (attempts, error, its claim released) and sent by the next jobs run, exactly once, to the
 * owner and author, with the report's Message-ID, also when the report deleted the token; runs at
 * once on two hosts send it once; a report older than 7 days is not mailed; no e-mail, row or log
 * line holds the secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiTokenLeakReport } from '@prisma/client';
import {
  createApiAccess,
  describeJobsReport,
  hashToken,
  type Actor,
  type ApiAccess,
  type IssuedToken,
  type LeakActionTaken,
  type NotificationsOptions,
} from 'adminjs-api-access';
import { LEAK_REPORT_PATH } from '../../example-app/src/app.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { AdminUsers } from '../../example-app/src/users.js';
import { signReport, TestKeyServer } from '../helpers/github-keys.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { TestSmtpServer, type ReceivedMail } from '../helpers/smtp.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const FROM = 'API Access <api-access@example.test>';
const ADMIN_URL = 'http://admin.example.test/admin';
const FOUND_AT = 'https://github.com/octo-org/octo-repo/blob/4f2a1c9/config/production.yml';

function notifications(smtp: TestSmtpServer): NotificationsOptions {
  return { transport: smtp.url, from: FROM, adminUrl: ADMIN_URL };
}

let seq = 0;

/** The example host mailing through `smtp`, without the seeded tokens; the ordinary admin has signed in, so tokens can be given to them. */
async function hostFor(smtp: TestSmtpServer | null, extra: { action?: 'disable' | 'delete'; publicKeysUrl?: string } = {}): Promise<TestHost> {
  const t = await startTestHost({
    apiAccess: {
      ...(smtp ? { notifications: notifications(smtp) } : {}),
      leakReports: { ...(extra.action ? { action: extra.action } : {}), ...(extra.publicKeysUrl ? { publicKeysUrl: extra.publicKeysUrl } : {}) },
      policy: { maxActiveTokensPerOwner: 1000 },
    },
  });
  await t.host.prisma.apiToken.deleteMany();
  await t.signIn('admin@example.com', 'admin-demo');
  return t;
}

/** A token the super admin (a token admin) made for the ordinary admin: its author and its owner differ. */
function create(t: TestHost): Promise<IssuedToken> {
  return t.host.apiAccess.service.create(t.superAdmin, {
    name: `Leak mail token ${++seq}`,
    ownerId: t.admin.id,
    roleIds: [t.roles.vaultSummary],
    expiry: { type: 'days', days: 30 },
  });
}

/** An admin's "Report leaked", with the immediate e-mail attempt awaited. */
async function reportByAdmin(t: TestHost, tokenId: string, actor: Actor = t.superAdmin): Promise<void> {
  const outcome = await t.host.apiAccess.leakReports.reportToken(actor, tokenId, { url: FOUND_AT, urlRequired: true });
  assert.equal(outcome.kind, 'handled');
  await t.host.apiAccess.leakReports.settled();
}

async function reportOf(t: TestHost, tokenId: string): Promise<ApiTokenLeakReport> {
  return t.host.prisma.apiTokenLeakReport.findFirstOrThrow({ where: { tokenId } });
}

/** The e-mails about one token's leak (the deleted token's e-mail has no admin link: matched by id). */
function mailsOf(smtp: TestSmtpServer, tokenId: string): ReceivedMail[] {
  return smtp.messages.filter((m) => m.text.includes(`(id ${tokenId})`));
}

const messageIdOf = (report: { id: string }) => `<leak-report-${report.id}@example.test>`;

/** A second host on the same database: its own PrismaClient and token system, the same clock and log. */
function secondHost(t: TestHost, smtp: TestSmtpServer): { apiAccess: ApiAccess; close(): Promise<void> } {
  const prisma = createPrismaClient(t.db.url);
  const apiAccess = createApiAccess({
    prisma,
    pepper: TEST_PEPPER,
    users: new AdminUsers(prisma),
    clock: t.clock.now,
    logger: t.logger,
    notifications: notifications(smtp),
    policy: { maxActiveTokensPerOwner: 1000 },
  });
  return {
    apiAccess,
    async close() {
      await apiAccess.close();
      await prisma.$disconnect();
    },
  };
}

describe('leak-report e-mails: a failed send is retried by the jobs', () => {
  let keys: TestKeyServer;
  before(async () => {
    keys = await TestKeyServer.start();
  });
  after(async () => keys.stop());

  it('SMTP refusing, then down, when GitHub reports a token: no e-mail, attempts and the error on the report; the next jobs run sends one e-mail to the owner and author, and the run after it none', async () => {
    const smtp = await TestSmtpServer.start();
    const t = await hostFor(smtp, { publicKeysUrl: keys.url });
    try {
      const issued = await create(t);
      smtp.refusal = { stage: 'mail', code: 451, message: 'Try again later' };
      const body = JSON.stringify([{ token: issued.secret, type: 'aat_api_token', url: FOUND_AT, source: 'content' }]);
      const res = await t.request
        .post(LEAK_REPORT_PATH)
        .set({
          'content-type': 'application/json',
          'github-public-key-identifier': keys.current.id,
          'github-public-key-signature': signReport(body, keys.current),
        })
        .send(body);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        (res.body as Array<{ label: string }>).map((f) => f.label),
        ['true_positive'],
      );
      await t.host.apiAccess.leakReports.settled();
      assert.equal(mailsOf(smtp, issued.token.id).length, 0, 'refused: nothing delivered');

      let row = await reportOf(t, issued.token.id);
      assert.equal(row.mailSentAt, null, 'not marked sent');
      assert.equal(row.mailClaimedAt, null, 'the claim is released at once, for the next run');
      assert.equal(row.mailAttempts, 1);
      assert.match(row.mailLastError ?? '', /451/);
      assert.deepEqual(
        { ownerId: row.ownerId, ownerEmail: row.ownerEmail, createdById: row.createdById, createdByEmail: row.createdByEmail },
        { ownerId: t.admin.id, ownerEmail: t.admin.email, createdById: t.superAdmin.id, createdByEmail: t.superAdmin.email },
      );
      assert.ok(t.logger.lines.some((l) => l.startsWith('warn') && l.includes('could not e-mail the leak report') && l.includes('the jobs retry it')));

      // A run while SMTP is down: still unsent, one more attempt, the new error.
      smtp.refusal = null;
      await smtp.stop();
      let report = await t.host.apiAccess.runJobs();
      assert.deepEqual(report.leakMails, { sent: 0, failed: 1, givenUp: 0 });
      row = await reportOf(t, issued.token.id);
      assert.equal(row.mailSentAt, null);
      assert.equal(row.mailAttempts, 2);
      assert.match(row.mailLastError ?? '', /ECONNREFUSED/);

      await smtp.restart();
      report = await t.host.apiAccess.runJobs();
      assert.deepEqual(report.leakMails, { sent: 1, failed: 0, givenUp: 0 });
      assert.ok(describeJobsReport(report).includes('leak e-mails: 1 sent, 0 failed (retried next run)'), describeJobsReport(report).join('\n'));
      const [mail, ...more] = mailsOf(smtp, issued.token.id);
      assert.equal(more.length, 0, 'one e-mail');
      assert.ok(mail);
      assert.deepEqual([...mail.envelopeTo].sort(), [t.admin.email, t.superAdmin.email].sort(), 'to the owner and the author');
      assert.equal(mail.messageId, messageIdOf(row), "the report's Message-ID, as the first attempt had it");
      assert.match(mail.subject, /^API token "Leak mail token \d+" was found in public and has been disabled$/);
      assert.ok(mail.text.includes(FOUND_AT));
      assert.match(mail.text, /GitHub secret scanning found it \(content\)/);
      row = await reportOf(t, issued.token.id);
      assert.ok(row.mailSentAt instanceof Date, 'marked sent');
      assert.equal(row.mailAttempts, 3);
      assert.equal(row.mailLastError, null);

      report = await t.host.apiAccess.runJobs();
      assert.deepEqual(report.leakMails, { sent: 0, failed: 0, givenUp: 0 });
      assert.equal(mailsOf(smtp, issued.token.id).length, 1, 'the next run sends nothing');

      // The retried e-mail, the report row and the log hold neither the secret nor its hash.
      const secretHash = hashToken(TEST_PEPPER, issued.secret);
      for (const [where, text] of [
        ['e-mail', mail.raw],
        ['report row', JSON.stringify({ ...row, secretHash: 'the one column that holds it' })],
        ['log', t.logger.lines.join('\n')],
      ] as const) {
        for (const secret of [issued.secret, issued.secret.slice(-12), secretHash]) {
          assert.ok(!text.includes(secret), `the ${where} holds the secret or its hash`);
        }
      }
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('leakReports.action "delete": the report keeps the owner and author, and the retry reaches both after the token is gone', async () => {
    const smtp = await TestSmtpServer.start();
    const t = await hostFor(smtp, { action: 'delete' });
    try {
      const issued = await create(t);
      await smtp.stop();
      await reportByAdmin(t, issued.token.id);
      assert.equal(await t.host.prisma.apiToken.findUnique({ where: { id: issued.token.id } }), null, 'the report deleted the token');
      const row = await reportOf(t, issued.token.id);
      assert.equal(row.action, 'deleted' satisfies LeakActionTaken);
      assert.equal(row.mailAttempts, 1);
      assert.match(row.mailLastError ?? '', /ECONNREFUSED/);

      await smtp.restart();
      const report = await t.host.apiAccess.runJobs();
      assert.deepEqual(report.leakMails, { sent: 1, failed: 0, givenUp: 0 });
      const mails = mailsOf(smtp, issued.token.id);
      assert.equal(mails.length, 1);
      assert.deepEqual([...mails[0]!.envelopeTo].sort(), [t.admin.email, t.superAdmin.email].sort());
      assert.equal(mails[0]!.messageId, messageIdOf(row));
      assert.match(mails[0]!.subject, /was found in public and has been deleted$/);
      assert.match(mails[0]!.text, /super@example\.com reported it/);
      assert.ok(!mails[0]!.text.includes('/records/'), 'no link to a deleted token');
      assert.ok(!mails[0]!.raw.includes(issued.secret) && !mails[0]!.raw.includes(issued.secret.slice(-12)), 'no secret in the retried e-mail');
      assert.equal((await t.host.apiAccess.runJobs()).leakMails?.sent, 0);
      assert.equal(mailsOf(smtp, issued.token.id).length, 1);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('a report older than 7 days is not mailed: given up and logged once; a younger one is still sent', async () => {
    const smtp = await TestSmtpServer.start();
    const t = await hostFor(smtp);
    try {
      const old = await create(t);
      const young = await create(t);
      await smtp.stop();
      await reportByAdmin(t, old.token.id);
      t.clock.advance(2 * DAY);
      await reportByAdmin(t, young.token.id);
      await smtp.restart();
      t.clock.advance(5 * DAY + MINUTE); // the old report is 7 days and a minute old, the young one 5 days

      const report = await t.host.apiAccess.runJobs();
      assert.deepEqual(report.leakMails, { sent: 1, failed: 0, givenUp: 1 });
      assert.ok(describeJobsReport(report).some((l) => l.startsWith('leak e-mails: 1 sent, 0 failed (retried next run), 1 given up')));
      assert.equal(mailsOf(smtp, old.token.id).length, 0, 'the stale e-mail is not sent');
      assert.equal(mailsOf(smtp, young.token.id).length, 1);
      const row = await reportOf(t, old.token.id);
      assert.equal(row.mailSentAt, null);
      assert.ok(row.mailGivenUpAt instanceof Date);
      assert.match(row.mailLastError ?? '', /^given up: not sent within 7 days of the report \(last error: .*ECONNREFUSED/);
      const givenUp = t.logger.lines.filter((l) => l.startsWith('warn') && l.includes(`(${old.token.id})`) && l.includes('given up'));
      assert.equal(givenUp.length, 1, 'logged');

      const again = await t.host.apiAccess.runJobs();
      assert.deepEqual(again.leakMails, { sent: 0, failed: 0, givenUp: 0 }, 'given up once');
      assert.equal(t.logger.lines.filter((l) => l.includes(`(${old.token.id})`) && l.includes('given up')).length, 1);
      assert.equal(mailsOf(smtp, old.token.id).length, 0);
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('runs at once, on one host and on a second host sharing the database, send each e-mail once', async () => {
    const smtp = await TestSmtpServer.start();
    const t = await hostFor(smtp);
    const other = secondHost(t, smtp);
    try {
      const tokens: IssuedToken[] = [];
      for (let i = 0; i < 6; i++) tokens.push(await create(t));
      smtp.refusal = { stage: 'data', code: 554, message: 'Transaction failed' };
      for (const { token } of tokens) await reportByAdmin(t, token.id);
      assert.equal(await t.host.prisma.apiTokenLeakReport.count({ where: { mailSentAt: null, mailClaimedAt: null, mailAttempts: 1 } }), tokens.length);
      smtp.refusal = null;

      const reports = await Promise.all([
        t.host.apiAccess.runJobs().then((r) => r.leakMails!),
        other.apiAccess.runJobs().then((r) => r.leakMails!),
        t.host.apiAccess.leakReports.retryMail(),
        other.apiAccess.leakReports.retryMail(),
      ]);
      assert.equal(
        reports.reduce((sum, r) => sum + r.sent, 0),
        tokens.length,
        `the runs sent ${JSON.stringify(reports)} between them, for ${tokens.length} reports`,
      );
      assert.equal(
        reports.reduce((sum, r) => sum + r.failed, 0),
        0,
      );
      for (const { token } of tokens) assert.equal(mailsOf(smtp, token.id).length, 1, `${token.name}: one e-mail`);
      const rows = await t.host.prisma.apiTokenLeakReport.findMany({ where: { tokenId: { in: tokens.map((x) => x.token.id) } } });
      assert.ok(
        rows.every((r) => r.mailSentAt instanceof Date && r.mailAttempts === 2),
        'each claimed once by the retry',
      );
      const later = await Promise.all([t.host.apiAccess.runJobs(), other.apiAccess.runJobs()]);
      assert.deepEqual(
        later.map((r) => r.leakMails),
        [
          { sent: 0, failed: 0, givenUp: 0 },
          { sent: 0, failed: 0, givenUp: 0 },
        ],
      );
    } finally {
      await other.close();
      await t.close();
      await smtp.stop();
    }
  });

  it('a claim held by a live send is left alone; one whose process died is taken over after the lease and sent again with the same Message-ID', async () => {
    const smtp = await TestSmtpServer.start();
    const t = await hostFor(smtp);
    try {
      const issued = await create(t);
      await reportByAdmin(t, issued.token.id);
      const [first] = mailsOf(smtp, issued.token.id);
      assert.ok(first, 'sent at once');
      let row = await reportOf(t, issued.token.id);
      assert.ok(row.mailSentAt instanceof Date);
      assert.equal(row.mailAttempts, 1);
      assert.equal((await t.host.apiAccess.runJobs()).leakMails?.sent, 0, 'a sent e-mail is not retried');

      // A process that claimed it and died after the SMTP server took the message, before marking it sent.
      await t.host.prisma.apiTokenLeakReport.update({
        where: { id: row.id },
        data: { mailSentAt: null, mailClaimedAt: t.clock.now(), mailClaimId: 'a-process-that-died' },
      });
      t.clock.advance(9 * MINUTE);
      assert.equal((await t.host.apiAccess.runJobs()).leakMails?.sent, 0, 'within the 10-minute lease');
      assert.equal(mailsOf(smtp, issued.token.id).length, 1);

      t.clock.advance(2 * MINUTE);
      assert.equal((await t.host.apiAccess.runJobs()).leakMails?.sent, 1);
      const mails = mailsOf(smtp, issued.token.id);
      assert.equal(mails.length, 2, 'at least once: sent again');
      assert.equal(mails[1]!.messageId, first.messageId, 'with the same Message-ID, so that it can be folded');
      assert.equal(first.messageId, messageIdOf(row));
      row = await reportOf(t, issued.token.id);
      assert.ok(row.mailSentAt instanceof Date);
      assert.equal(row.mailAttempts, 2);
      assert.notEqual(row.mailClaimId, 'a-process-that-died');
    } finally {
      await t.close();
      await smtp.stop();
    }
  });

  it('without the notifications option nothing is claimed or sent; a host with it sends the report within 7 days', async () => {
    const smtp = await TestSmtpServer.start();
    const t = await hostFor(null);
    const other = secondHost(t, smtp);
    try {
      const issued = await create(t);
      await reportByAdmin(t, issued.token.id);
      const row = await reportOf(t, issued.token.id);
      assert.deepEqual(
        { sent: row.mailSentAt, claimed: row.mailClaimedAt, claimId: row.mailClaimId, attempts: row.mailAttempts },
        { sent: null, claimed: null, claimId: null, attempts: 0 },
      );
      const report = await t.host.apiAccess.runJobs();
      assert.equal(report.leakMails, null);
      assert.ok(describeJobsReport(report).includes('leak e-mails: off (no notifications option)'));

      t.clock.advance(DAY);
      assert.deepEqual((await other.apiAccess.runJobs()).leakMails, { sent: 1, failed: 0, givenUp: 0 });
      const mails = mailsOf(smtp, issued.token.id);
      assert.equal(mails.length, 1);
      assert.deepEqual([...mails[0]!.envelopeTo].sort(), [t.admin.email, t.superAdmin.email].sort());
      assert.equal(mails[0]!.messageId, messageIdOf(row));
    } finally {
      await other.close();
      await t.close();
      await smtp.stop();
    }
  });
});
