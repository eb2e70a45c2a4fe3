import bcrypt from 'bcryptjs';
import type { PrismaClient } from '@prisma/client';
import type { Actor, DirectoryUser, UserDirectory } from 'adminjs-api-access';

export const SUPER_ADMIN = 'super_admin';
export const ADMIN = 'admin';
/** Only ever in a session, never stored: the admin was disabled or deleted after signing in. */
export const NO_ACCESS = 'no_access';

/** What the session holds about the signed-in admin: re-read from the database on every request. */
export interface SessionAdmin {
  id: string;
  email: string;
  role: string;
  title: string;
}

/**
 * bcrypt's cost for admin passwords: 12, or PASSWORD_HASH_COST (4 to 15). The test runner sets 4:
 * its suites start hundreds of hosts and sign in hundreds of times, at ~0.3 s of CPU each at 12.
 */
export function passwordHashCost(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PASSWORD_HASH_COST;
  if (raw === undefined || raw === '') return 12;
  const cost = Number(raw);
  if (!Number.isInteger(cost) || cost < 4 || cost > 15)
    throw new Error(`PASSWORD_HASH_COST must be a whole number from 4 to 15 (bcrypt's cost), not "${raw}".`);
  return cost;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, passwordHashCost());
}

function toSessionAdmin(user: { id: string; email: string; role: string }): SessionAdmin {
  return { id: user.id, email: user.email, role: user.role, title: user.role === SUPER_ADMIN ? 'Super admin' : 'Admin' };
}

/** The example host's users, as the plugin sees them. */
export class AdminUsers implements UserDirectory {
  // A fixed hash to compare against when the e-mail is unknown, so timing does not reveal which
  // e-mails exist: made on first use, at the cost the real hashes have.
  private static decoy: string | undefined;
  private static decoyHash(): string {
    AdminUsers.decoy ??= bcrypt.hashSync('decoy-password-for-timing', passwordHashCost());
    return AdminUsers.decoy;
  }

  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string): Promise<DirectoryUser | null> {
    const user = await this.prisma.adminUser.findUnique({ where: { id } });
    if (!user || user.disabled) return null;
    return { id: user.id, email: user.email, isSuperAdmin: user.role === SUPER_ADMIN, lastSignInAt: user.lastSignInAt };
  }

  /** Candidate token owners for token admins: enabled admins, by e-mail. */
  async list(): Promise<Array<{ id: string; email: string }>> {
    return this.prisma.adminUser.findMany({ where: { disabled: false }, select: { id: true, email: true }, orderBy: { email: 'asc' } });
  }

  /** Checks e-mail and password, records the sign-in, and returns what the session keeps. */
  async authenticate(email: string, password: string, now = new Date()): Promise<SessionAdmin | null> {
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 254 || password.length > 200) return null;
    const user = await this.prisma.adminUser.findUnique({ where: { email: email.trim().toLowerCase() } });
    const ok = await bcrypt.compare(password, user?.passwordHash ?? AdminUsers.decoyHash());
    if (!user || !ok || user.disabled) return null;
    // In its own transaction so that, on SQLite, it cannot be swept into a concurrent one that rolls back.
    await this.prisma.$transaction([this.prisma.adminUser.update({ where: { id: user.id }, data: { lastSignInAt: now } })]);
    return toSessionAdmin(user);
  }

  /** What the session should hold for this admin now, or null when they are disabled or gone. */
  async sessionAdmin(id: string): Promise<SessionAdmin | null> {
    const user = await this.prisma.adminUser.findUnique({ where: { id } });
    return user && !user.disabled ? toSessionAdmin(user) : null;
  }

  /** The actor for a session, from the database: a disabled or demoted admin loses rights at once. */
  async actorFor(session: { id?: string } | undefined | null): Promise<Actor | null> {
    if (!session?.id) return null;
    const user = await this.prisma.adminUser.findUnique({ where: { id: session.id } });
    if (!user || user.disabled) return null;
    return { id: user.id, email: user.email, isSuperAdmin: user.role === SUPER_ADMIN };
  }
}
