// What the plugin does when several hosts share one database and act at the same instant, as
// they do after a rollout. Instances on their own PrismaClients (their own connections, as
// separate processes have) calling ready() at once on a fresh database make each declared role
// once, with one audit event; in a rolling deploy where they declare two versions of the roles,
// each role ends as one of them, every change audited once. The test host and three host
// processes running their jobs at once (expiry e-mails, leak e-mails, request-log and rollup
// retention, on PostgreSQL day partitions created ahead and dropped) all finish without an error,
// each partition made or dropped by one of them, each row, rollup and e-mail counted once.
// Runs on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PrismaClient } from '@prisma/client';
import { createApiAccess, type IssuedToken, type JobsReport, type NotificationsOptions } from 'adminjs-api-access';
import { ROLES_OPTION_ACTOR } from '../../src/core/roles/declare.js';
import { sentCount } from '../../src/jobs/expiry-notifier.js';
import { listPartitions, PARTITION_DAYS_AHEAD, partitionName } from '../../src/request-log/postgres-partitions.js';
import { createPrismaClient } from '../../example-app/src/prisma.js';
import { createHostDatabase, onPostgres, type TestDatabase } from '../helpers/database.js';
import { startTestHost, TEST_PEPPER, type TestHost } from '../helpers/host.js';
import { lineProcess, type LineProcess } from '../helpers/line-process.js';
import { MemoryLogger } from '../helpers/logger.js';
import { TestSmtpServer } from '../helpers/smtp.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const INSTANCES = 4;
const FROM = 'API Access <api-access@example.test>';
const ADMIN_URL = 'http://admin.example.test/admin';

const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `count` PrismaClients on one database, each with a connection already open, so that the race starts at the first query. */
async function clientsOf(url: string, count: number): Promise<PrismaClient[]> {
  const clients = Array.from({ length: count }, () => createPrismaClient(url));
  await Promise.all(clients.map((client) => client.$queryRawUnsafe('SELECT 1')));
  return clients;
}

/** Every outcome of `calls` started at once; fails naming each call that rejected. */
async function allResolve<T>(calls: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(calls);
  const failures = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`call ${i}: ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`] : [],
  );
  assert.deepEqual(failures, [], 'every call resolves');
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

interface RoleAudit {
  action: string;
  role: string;
  /** role.created: the scopes made; role.edited: [before, after]. */
  scopes: string[] | [string[], string[]];
}

async function roleAudits(prisma: PrismaClient): Promise<RoleAudit[]> {
  const events = await prisma.apiAuditEvent.findMany({ where: { actorId: ROLES_OPTION_ACTOR.id }, select: { action: true, details: true } });
  return events.map((e) => ({ action: e.action, ...(e.details as { role: string; scopes: RoleAudit['scopes'] }) }));
}

describe('roles declared by several instances starting at the same instant', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  const logger = new MemoryLogger();
  const users = { findById: async () => null };

  before(async () => {
    db = await createHostDatabase();
    prisma = createPrismaClient(db.url);
  });
  after(async () => {
    await prisma.$disconnect();
    await db.remove();
  });

  /** One ready() each of `declarations.length` instances on their own clients, all started together; their instances closed after. */
  async function startTogether(declarations: Array<Array<{ name: string; description: string; scopes: string[] }>>): Promise<void> {
    const clients = await clientsOf(db.url, declarations.length);
    const instances = clients.map((client, i) => createApiAccess({ prisma: client, pepper: TEST_PEPPER, users, logger, roles: declarations[i] }));
    try {
      await allResolve(instances.map((instance) => instance.ready()));
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
      await Promise.all(clients.map((client) => client.$disconnect()));
    }
  }

  const V1 = Array.from({ length: 6 }, (_, i) => ({ name: `Declared ${i}`, description: `Role ${i}`, scopes: [`r${i}:read`] }));

  it('on a fresh database: every ready() resolves, each role is made once, with one role.created event', async () => {
    await startTogether(Array.from({ length: INSTANCES }, () => V1));
    const rows = await prisma.apiRole.findMany({ orderBy: { name: 'asc' } });
    assert.deepEqual(
      rows.map((r) => [r.name, r.description, r.scopes]),
      V1.map((r) => [r.name, r.description, r.scopes]),
    );
    const audits = await roleAudits(prisma);
    assert.deepEqual(
      audits.map((a) => `${a.action} ${a.role}`).sort(),
      V1.map((r) => `role.created ${r.name}`),
      'one role.created per role, nothing edited',
    );
  });

  it('a rolling deploy, half the instances declaring new scopes: every ready() resolves, each role ends as one of the two declarations, each change audited once', async () => {
    // The new declaration changes the scopes of half the roles and adds one.
    const V2 = [
      ...V1.map((r, i) => (i % 2 === 0 ? { ...r, scopes: [...r.scopes, `r${i}:write`] } : r)),
      { name: 'Declared new', description: 'Only in the new version', scopes: ['new:read'] },
    ];
    // Old and new instances alternate, so that each kind starts among the other.
    await startTogether(Array.from({ length: INSTANCES }, (_, i) => (i % 2 === 0 ? V1 : V2)));
    const rows = await prisma.apiRole.findMany();
    assert.equal(rows.length, V2.length, 'no role twice, the new one made');
    const audits = await roleAudits(prisma);
    for (const role of V2) {
      const row = rows.find((r) => r.name === role.name);
      assert.ok(row, role.name);
      const versions = [V1.find((r) => r.name === role.name)?.scopes, role.scopes].filter((s) => s !== undefined).map((s) => JSON.stringify(s));
      const final = JSON.stringify(row.scopes);
      assert.ok(versions.includes(final), `${role.name} ends as one of the declarations, not ${final}`);
      const mine = audits.filter((a) => a.role === role.name);
      const created = mine.filter((a) => a.action === 'role.created');
      assert.equal(created.length, 1, `${role.name}: made once`);
      // The audit trail, in whatever order it was written, leads from the scopes made to the
      // scopes there are now: each edit leaves the scopes its predecessor left, so every version
      // is entered as often as it is left, but for the first (left once more) and the last.
      const balance = new Map<string, number>([[JSON.stringify(created[0]!.scopes), 1]]);
      const move = (scopes: string, by: number) => balance.set(scopes, (balance.get(scopes) ?? 0) + by);
      for (const edit of mine.filter((a) => a.action === 'role.edited')) {
        const [from, to] = (edit.scopes as [string[], string[]]).map((s) => JSON.stringify(s)) as [string, string];
        assert.notEqual(from, to, `${role.name}: an edit that changed nothing was audited`);
        move(from, -1);
        move(to, 1);
      }
      move(final, -1);
      assert.deepEqual(
        [...balance].filter(([, n]) => n !== 0),
        [],
        `${role.name}: the audit trail ${JSON.stringify(mine)} leads to ${final}, each change once`,
      );
    }
  });
});

describe('the jobs of several instances run at the same instant', { timeout: 180_000 }, () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await TestSmtpServer.start();
  });
  after(async () => smtp.stop());

  function notifications(): NotificationsOptions {
    return { transport: smtp.url, from: FROM, adminUrl: ADMIN_URL };
  }

  // Small batches, so that the instances' DELETE batches meet.
  const requestLog = { retentionDays: 30, rollupRetentionDays: 30, purgeBatchSize: 20 };
  const policy = { maxActiveTokensPerOwner: 1000 };

  /** Another host on the test host's database, in a process of its own (test/helpers/jobs-host-process.ts), with the same options. */
  function hostProcess(t: TestHost): LineProcess {
    return lineProcess('jobs-host-process.ts', [], {
      DATABASE_URL: t.db.url,
      PEPPER: TEST_PEPPER,
      SMTP_URL: smtp.url,
      ADMIN_URL,
      OPTIONS: JSON.stringify({ requestLog }),
    });
  }

  function logRow(createdAt: number, path: string) {
    return {
      tokenId: 'tok',
      tokenName: 'Token',
      method: 'GET',
      path,
      status: 200,
      ip: '203.0.113.5',
      userAgent: 'test',
      durationMs: 4,
      createdAt: new Date(createdAt),
    };
  }

  it('no run fails; each partition is made or dropped once, each old row and rollup deleted once, each e-mail sent once', async () => {
    const t = await startTestHost({ apiAccess: { notifications: notifications(), requestLog, policy } });
    const others = Array.from({ length: INSTANCES - 1 }, () => hostProcess(t));
    /** runJobs() on the test host and on each other host at once, with the test host's clock. */
    const runEverywhere = () => {
      const offsetMs = String(t.clock.now().getTime() - Date.now());
      return allResolve([t.host.apiAccess.runJobs(), ...others.map((other) => other.ask<JobsReport>(offsetMs))]);
    };
    try {
      await Promise.all(others.map((other) => other.ready()));
      const prisma = t.host.prisma;
      await prisma.apiToken.deleteMany();
      const today = dayStart(t.clock.now().getTime());
      // Tokens whose "30 days left" notice falls due once the clock has moved 40 days.
      const expiring: IssuedToken[] = [];
      for (let i = 0; i < 4; i++) {
        expiring.push(
          await t.host.apiAccess.service.create(t.superAdmin, { name: `Expiring ${i}`, roleIds: [t.roles.vaultSummary], expiry: { type: 'days', days: 60 } }),
        );
      }
      // Request logs. On PostgreSQL the migration made the partitions of today and the 7 days
      // after; rows of other days are in the default partition. With the clock moved 40 days
      // and 30 days kept, the cutoff is 10 days after today.
      const old = [
        ...Array.from({ length: 30 }, (_, i) => logRow(today + i * 1000, '/today')),
        ...Array.from({ length: 25 }, (_, i) => logRow(today + 3 * DAY + i * 1000, '/in-3-days')),
        ...Array.from({ length: 70 }, (_, i) => logRow(today - 15 * DAY + i * 1000, '/15-days-ago')),
      ];
      const kept = Array.from({ length: 10 }, (_, i) => logRow(today + 38 * DAY + HOUR + i * 1000, '/kept'));
      await prisma.apiRequestLog.createMany({ data: [...old, ...kept] });
      // Usage rollups of 10 days (3 tokens and the day's total each), and of a day that stays.
      const oldDays = Array.from({ length: 10 }, (_, i) => dayText(today + (i - 5) * DAY));
      await prisma.apiTokenUsageDay.createMany({ data: oldDays.flatMap((day) => ['a', 'b', 'c'].map((tokenId) => ({ tokenId, day, ok: 1 }))) });
      await prisma.apiUsageDay.createMany({ data: oldDays.map((day) => ({ day, ok: 3 })) });
      const keptDay = dayText(today + 25 * DAY);
      await prisma.apiTokenUsageDay.create({ data: { tokenId: 'a', day: keptDay, ok: 1 } });
      await prisma.apiUsageDay.create({ data: { day: keptDay, ok: 1 } });
      const oldRollups = oldDays.length * 4;

      // On PostgreSQL the day partitions wholly before the cutoff the clock is moved to, to be dropped.
      const cutoff = today + 10 * DAY;
      const past = onPostgres() ? (await listPartitions(prisma)).filter((p) => p.day + DAY <= cutoff).map((p) => p.name) : [];
      t.clock.advanceDays(40);
      // Leak reports whose first e-mail failed: the jobs send them.
      await t.signIn('admin@example.com', 'admin-demo');
      const leaked: IssuedToken[] = [];
      for (let i = 0; i < 3; i++) {
        leaked.push(
          await t.host.apiAccess.service.create(t.superAdmin, {
            name: `Leaked ${i}`,
            ownerId: t.admin.id,
            roleIds: [t.roles.vaultSummary],
            expiry: { type: 'days', days: 90 },
          }),
        );
      }
      smtp.refusal = { stage: 'data', code: 554, message: 'Transaction failed' };
      for (const { token } of leaked) {
        const outcome = await t.host.apiAccess.leakReports.reportToken(t.superAdmin, token.id, { url: 'https://github.com/o/r/blob/1/x', urlRequired: true });
        assert.equal(outcome.kind, 'handled');
      }
      await t.host.apiAccess.leakReports.settled();
      smtp.refusal = null;
      assert.equal(smtp.messages.length, 0);

      const reports = await runEverywhere();
      assert.deepEqual(
        reports.flatMap((r) => r.errors),
        [],
        `no job failed${others.map((other) => other.stderr()).join('')}`,
      );
      const sum = (of: (r: JobsReport) => number) => reports.reduce((total, r) => total + of(r), 0);
      const retention = reports.map((r) => r.requestLogRetention!);
      assert.ok(
        retention.every((r) => r.complete),
        'every retention run finished',
      );

      assert.equal(
        sum((r) => r.requestLogRetention!.deleted),
        old.length,
        `the runs deleted ${retention.map((r) => r.deleted).join(' + ')} rows of ${old.length}`,
      );
      assert.deepEqual(
        (await prisma.apiRequestLog.findMany({ select: { path: true } })).map((r) => r.path),
        kept.map(() => '/kept'),
      );
      assert.equal(
        sum((r) => r.requestLogRetention!.rollupsDeleted),
        oldRollups,
        'each old rollup row deleted once',
      );
      assert.deepEqual(
        [(await prisma.apiTokenUsageDay.findMany()).map((r) => r.day), (await prisma.apiUsageDay.findMany()).map((r) => r.day)],
        [[keptDay], [keptDay]],
      );

      const created = retention.flatMap((r) => r.partitionsCreated);
      const dropped = retention.flatMap((r) => r.partitionsDropped);
      if (onPostgres()) {
        const later = dayStart(t.clock.now().getTime());
        const ahead = Array.from({ length: PARTITION_DAYS_AHEAD + 1 }, (_, d) => partitionName(later + d * DAY));
        assert.ok(past.length > 1, `partitions to drop: ${past.join(', ')}`);
        assert.deepEqual(created.sort(), ahead, 'each partition ahead made by one run');
        assert.deepEqual(dropped.sort(), past, 'each past partition dropped by one run');
        assert.deepEqual(
          (await listPartitions(prisma)).map((p) => p.name),
          ahead,
        );
      } else {
        assert.deepEqual([created, dropped], [[], []]);
      }

      assert.equal(
        sum((r) => sentCount(r.expiryNotices!)),
        expiring.length,
        'each expiry notice sent by one run',
      );
      assert.equal(
        sum((r) => r.expiryNotices!.failed),
        0,
      );
      for (const { token } of expiring) assert.equal(smtp.for(token.id).length, 1, `${token.name}: one expiry e-mail`);
      assert.equal(
        sum((r) => r.leakMails!.sent),
        leaked.length,
        'each leak e-mail sent by one run',
      );
      assert.equal(
        sum((r) => r.leakMails!.failed),
        0,
      );
      for (const { token } of leaked)
        assert.equal(smtp.messages.filter((m) => m.text.includes(`(id ${token.id})`)).length, 1, `${token.name}: one leak e-mail`);
      assert.equal(smtp.messages.length, expiring.length + leaked.length);

      assert.ok(
        reports.slice(1).some((r) => r.requestLogRetention!.deleted > 0 || r.leakMails!.sent + sentCount(r.expiryNotices!) > 0),
        'the other hosts took part',
      );
      // The same instant again: nothing is left to do, and nothing is done twice.
      const again = await runEverywhere();
      for (const report of again) {
        assert.deepEqual(report.errors, []);
        const r = report.requestLogRetention!;
        assert.deepEqual([r.deleted, r.rollupsDeleted, r.partitionsCreated, r.partitionsDropped], [0, 0, [], []]);
        assert.deepEqual([sentCount(report.expiryNotices!), report.leakMails!.sent], [0, 0]);
      }
      assert.equal(smtp.messages.length, expiring.length + leaked.length);
    } finally {
      await Promise.all(others.map((other) => other.close()));
      await t.close();
    }
  });
});
