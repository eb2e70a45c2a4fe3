import session from 'express-session';
import type { PrismaClient } from '@prisma/client';

const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * express-session store on the host's own database, so sign-ins survive a restart and work
 * across several host processes (MemoryStore does neither and leaks memory).
 */
export class PrismaSessionStore extends session.Store {
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaClient,
    sweepIntervalMs = 10 * 60 * 1000,
  ) {
    super();
    this.sweeper = setInterval(() => void this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  private expiry(data: session.SessionData): Date {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.prisma.adminSession
      .findUnique({ where: { sid } })
      .then((row) => {
        if (!row || row.expiresAt.getTime() <= Date.now()) return callback(null, null);
        callback(null, JSON.parse(row.data) as session.SessionData);
      })
      .catch((error) => callback(error));
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    const row = { data: JSON.stringify(data), expiresAt: this.expiry(data) };
    this.prisma.adminSession
      .upsert({ where: { sid }, create: { sid, ...row }, update: row })
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    this.prisma.adminSession
      .updateMany({ where: { sid }, data: { expiresAt: this.expiry(data) } })
      .then(() => callback?.())
      .catch(() => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.prisma.adminSession
      .deleteMany({ where: { sid } })
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  async sweep(): Promise<number> {
    const { count } = await this.prisma.adminSession.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return count;
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
