// Two hosts on one database change tokens and roles at the same moment, as an admin on each would.
// On SQLite each host has its own connection to the file: a transaction that read before the other
// host committed cannot write ("database is locked": SQLITE_BUSY_SNAPSHOT, or SQLITE_BUSY from a
// raw statement), and the admin got an error for a change that only had to run again. The other
// host is a process of its own, as in production: in one process, a connection waiting for the
// file's lock blocks the event loop the other connection needs to finish. Real databases, SQLite
// and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runChanges, type AdminChange, type AdminChangeResult } from '../helpers/admin-changes.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { lineProcess, type LineProcess } from '../helpers/line-process.js';

const TOKENS = 24;

describe('admin changes from two hosts at the same moment', () => {
  let t: TestHost;
  /** The other host (test/helpers/admin-child.ts): runs the changes it is sent, all at once. */
  let other: LineProcess;

  before(async () => {
    t = await startTestHost({ apiAccess: { policy: { maxActiveTokensPerOwner: 1000 } } });
    other = lineProcess('admin-child.ts', [t.db.url, t.superAdmin.id, t.superAdmin.email]);
    await other.ready();
  });
  after(async () => {
    await other?.close();
    await t.close();
  });

  it('all succeed, each once: disable, rename, rotate and a role edit interleaved across the hosts', async () => {
    const ids: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      const { token } = await t.host.apiAccess.service.create(t.superAdmin, {
        name: `two hosts ${i}`,
        roleIds: [t.roles.vaultSummary],
        expiry: { type: 'days', days: 30 },
      });
      ids.push(token.id);
    }
    const auditBefore = await t.host.prisma.apiAuditEvent.count();
    // Each token gets a change from each host; a third of them a rotation too.
    const here: AdminChange[] = [];
    const there: AdminChange[] = [];
    ids.forEach((id, i) => {
      const [one, another] = i % 2 === 0 ? [here, there] : [there, here];
      one.push({ op: 'disable', id });
      another.push({ op: 'rename', id, name: `two hosts ${i} renamed` });
      if (i % 3 === 0) one.push({ op: 'rotate', id });
    });
    there.push({ op: 'renameRole', id: t.roles.onboarding, name: 'Onboarding (two hosts)', scopes: ['vault-summary:read'] });

    const [mine, theirs] = await Promise.all([runChanges(t.host.apiAccess.service, t.superAdmin, here), other.ask<AdminChangeResult[]>(JSON.stringify(there))]);
    const failed = [...mine, ...theirs].flatMap((r) => (r.ok ? [] : [r.error]));
    assert.deepEqual(failed, [], "no change may fail for meeting the other host's");

    const rows = await t.host.prisma.apiToken.findMany({ where: { id: { in: ids } } });
    assert.equal(rows.length, TOKENS);
    for (const row of rows) {
      assert.equal(row.enabled, false, row.name);
      assert.match(row.name, /^two hosts \d+ renamed$/);
    }
    // One audit event per change: a change run again after a collision is recorded once.
    assert.equal(await t.host.prisma.apiAuditEvent.count(), auditBefore + here.length + there.length);
    const role = await t.host.prisma.apiRole.findUniqueOrThrow({ where: { id: t.roles.onboarding } });
    assert.equal(role.name, 'Onboarding (two hosts)');
  });
});
