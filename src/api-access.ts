import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import type { AccessOptions } from './core/access.js';
import type { ChangeFeed } from './core/change-feed.js';
import { TokenEvents } from './core/events.js';
import { MIN_PEPPER_LENGTH } from './core/hashing.js';
import { ApiAccessError } from './core/errors.js';
import { optionsError, resolvePolicy, type Policy, type PolicyInput } from './core/policy.js';
import { PREFIX_PATTERN, tokenPattern } from './core/token-format.js';
import { TokenService } from './core/token-service.js';
import type { Clock, Logger, UserDirectory } from './core/types.js';
import { UsageTracker } from './core/usage-tracker.js';
import { RetiredSecretAudit } from './core/retired-secret-audit.js';
import { TokenVerifier } from './core/verifier.js';
import { PgChangeFeed } from './postgres/pg-change-feed.js';
import { RequestLogWriter } from './http/request-log-writer.js';
import { createRequireApiToken, type RequireApiTokenOptions } from './http/require-api-token.js';
import { abandonClosedConnections } from './http/response-finish.js';
import { ExpiryNotifier } from './jobs/expiry-notifier.js';
import { isEventful, logJobsReport, runJobs, type JobsReport } from './jobs/jobs.js';
import { createMailer } from './jobs/mailer.js';
import { notificationsSchema, startJobsSchema, type NotificationsOptions, type StartJobsOptions } from './jobs/options.js';
import { RequestLogRetention } from './jobs/request-log-retention.js';
import { JobScheduler } from './jobs/scheduler.js';
import type { RequestHandler } from 'express';

export type { Logger } from './core/types.js';

export interface ApiAccessOptions {
  /** The host's PrismaClient, built from a schema that includes prisma/schema/api-access.prisma. */
  prisma: PrismaClient;
  /** Server-side secret mixed into every token hash; at least 32 characters. Keep it out of the database. */
  pepper: string;
  /** How the plugin looks up the host's users (owners, the token-admin grant). */
  users: UserDirectory;
  /** Starts every token, e.g. "acme" gives acme_…; lets secret scanners recognise leaked tokens. */
  tokenPrefix?: string;
  policy?: PolicyInput;
  /** Let ordinary admins manage their own personal tokens (default: super admins only). */
  allowPersonalTokens?: boolean;
  verification?: {
    /** How long a verified token is trusted without asking the database (default 10 s). */
    cacheTtlMs?: number;
    maxCacheEntries?: number;
    /** How often "last used" is written, at most once per token (default 60 s). */
    lastUsedFlushMs?: number;
  };
  requestLog?: {
    enabled?: boolean;
    batchSize?: number;
    flushIntervalMs?: number;
    maxBuffered?: number;
    /** Request logs older than this many days are deleted by the retention job (default 90). */
    retentionDays?: number;
    /** Rows the retention job deletes per statement (default 5000): small, so verification never waits long. */
    purgeBatchSize?: number;
    /**
     * On SQLite: write request logs from a worker thread with its own connection to this database
     * file (a path or file: URL; the file prisma uses), so that inserting them never runs on the
     * event loop that serves the API. `timestampFormat` must match the SQLite adapter's (default iso8601).
     */
    sqliteWorker?: { file: string; timestampFormat?: 'iso8601' | 'unixepoch-ms' };
  };
  /** Expiry e-mails: without this option no e-mail is sent. */
  notifications?: NotificationsOptions;
  /**
   * Several host processes on one PostgreSQL database: each change to a token is sent to every
   * process (LISTEN/NOTIFY on `postgresUrl`, through the `pg` package), which drops its cached
   * verifications of that token at once. Without it, another process refuses a revoked secret
   * only once its cached verification expires (verification.cacheTtlMs).
   */
  changeFeed?: {
    /** postgres://… of the database the hosts share; the feed holds one extra connection per process. */
    postgresUrl: string;
    /** The NOTIFY channel (default "api_access_tokens"). */
    channel?: string;
  };
  /** The realm in WWW-Authenticate challenges. */
  realm?: string;
  clock?: Clock;
  logger?: Logger;
}

const optionsSchema = z
  .object({
    prisma: z.custom<PrismaClient>((v) => typeof v === 'object' && v !== null && 'apiToken' in v, 'must be a PrismaClient whose schema includes the api-access models'),
    pepper: z.string({ error: 'is required' }).min(MIN_PEPPER_LENGTH, `must be at least ${MIN_PEPPER_LENGTH} characters`),
    users: z.custom<UserDirectory>((v) => typeof (v as UserDirectory | undefined)?.findById === 'function', 'must have a findById(id) function'),
    tokenPrefix: z.string().regex(PREFIX_PATTERN, 'must be 2-16 lowercase letters or digits, starting with a letter').default('aat'),
    policy: z.unknown().optional(),
    allowPersonalTokens: z.boolean().default(false),
    verification: z
      .object({
        cacheTtlMs: z.number().int().min(0).max(3_600_000).default(10_000),
        maxCacheEntries: z.number().int().min(1).max(10_000_000).default(50_000),
        lastUsedFlushMs: z.number().int().min(100).max(3_600_000).default(60_000),
      })
      .strict()
      .default({ cacheTtlMs: 10_000, maxCacheEntries: 50_000, lastUsedFlushMs: 60_000 }),
    requestLog: z
      .object({
        enabled: z.boolean().default(true),
        batchSize: z.number().int().min(1).max(10_000).default(500),
        flushIntervalMs: z.number().int().min(10).max(60_000).default(1_000),
        maxBuffered: z.number().int().min(1).max(10_000_000).default(200_000),
        retentionDays: z.number().int().min(1).max(36_500).default(90),
        purgeBatchSize: z.number().int().min(1).max(100_000).default(5_000),
        sqliteWorker: z
          .object({
            file: z
              .string()
              .min(1)
              .refine((file) => !/^(file:)?:memory:/.test(file), 'must be a database file: an in-memory database cannot be shared with a worker'),
            timestampFormat: z.enum(['iso8601', 'unixepoch-ms']).default('iso8601'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ enabled: true, batchSize: 500, flushIntervalMs: 1_000, maxBuffered: 200_000, retentionDays: 90, purgeBatchSize: 5_000 }),
    notifications: notificationsSchema.optional(),
    changeFeed: z
      .object({
        postgresUrl: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL'),
        channel: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be 1-63 lowercase letters, digits or _, not starting with a digit').default('api_access_tokens'),
      })
      .strict()
      .optional(),
    realm: z.string().regex(/^[\x20-\x7e]{1,64}$/).refine((v) => !v.includes('"'), 'must not contain quotes').default('api'),
    clock: z.custom<Clock>((v) => typeof v === 'function', 'must be a function returning a Date').optional(),
    logger: z
      .custom<Logger>((v) => ['info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown> | undefined)?.[m] === 'function'), 'must have info, warn and error methods')
      .optional(),
  })
  .strict();

export interface ApiAccess {
  readonly service: TokenService;
  readonly verifier: TokenVerifier;
  readonly policy: Policy;
  readonly tokenPrefix: string;
  /** Matches every token this deployment issues: give it to your secret scanner. */
  readonly tokenPattern: RegExp;
  readonly access: AccessOptions;
  readonly events: TokenEvents;
  readonly requestLog: RequestLogWriter | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  /** Express middleware that admits a request only with a valid token holding every scope given. */
  requireApiToken(options?: RequireApiTokenOptions): RequestHandler;
  /** Writes buffered request logs and last-used times now. */
  flush(): Promise<void>;
  /** The expiry e-mail job; null without the `notifications` option. */
  readonly notifier: ExpiryNotifier | null;
  /** The request-log retention job. */
  readonly retention: RequestLogRetention;
  /** The cross-process change feed; null without the `changeFeed` option. */
  readonly changeFeed: ChangeFeed | null;
  /** Runs the expiry e-mails and the request-log retention once, now (or joins the run in progress). */
  runJobs(): Promise<JobsReport>;
  /**
   * Runs the jobs at once and then every `intervalMs` (default 15 minutes) until stopped.
   * Safe on several hosts sharing one database. `close()` stops them too.
   */
  startJobs(options?: StartJobsOptions): { stop(): Promise<void> };
  /**
   * Stops the jobs (waiting for a run in progress), flushes, and stops timers; call it on shutdown,
   * after closing the server's connections: requests whose connection was closed before their
   * response finished are logged (status 499) before the last rows are written.
   */
  close(): Promise<void>;
}

/** Builds the token system from the host's options, failing at start-up with every bad option named. */
export function createApiAccess(input: ApiAccessOptions): ApiAccess {
  const parsed = optionsSchema.safeParse(input);
  let policy: Policy | undefined;
  let policyError: ApiAccessError | undefined;
  try {
    policy = resolvePolicy((input as { policy?: PolicyInput } | undefined)?.policy);
  } catch (error) {
    policyError = error as ApiAccessError;
  }
  if (!parsed.success || !policy) {
    // One error that names every bad option, the policy's included.
    const messages = [parsed.success ? '' : optionsError('options', parsed.error).message, policyError?.message ?? '']
      .map((m) => m.replace(/^Invalid adminjs-api-access options:\n/, ''))
      .filter(Boolean);
    throw new ApiAccessError('INVALID_OPTIONS', `Invalid adminjs-api-access options:\n${messages.join('\n')}`);
  }
  const options = parsed.data;
  const clock: Clock = options.clock ?? (() => new Date());
  const logger: Logger = options.logger ?? console;
  const events = new TokenEvents();
  const access: AccessOptions = { allowPersonalTokens: options.allowPersonalTokens };
  const service = new TokenService({
    prisma: options.prisma,
    pepper: options.pepper,
    tokenPrefix: options.tokenPrefix,
    policy,
    users: options.users,
    access,
    clock,
    events,
  });
  const retiredSecrets = new RetiredSecretAudit(options.prisma, clock, (error) =>
    logger.warn('[api-access] could not audit the use of a rotated-out secret', error instanceof Error ? error.message : error),
  );
  const verifier = new TokenVerifier({
    onRetiredSecret: (use) => void retiredSecrets.report(use),
    prisma: options.prisma,
    pepper: options.pepper,
    tokenPrefix: options.tokenPrefix,
    clock,
    events,
    cacheTtlMs: options.verification.cacheTtlMs,
    maxCacheEntries: options.verification.maxCacheEntries,
  });
  const usage = new UsageTracker(options.prisma, options.verification.lastUsedFlushMs, (error) =>
    logger.warn('[api-access] could not record last use; will retry', error instanceof Error ? error.message : error),
  );
  usage.start();
  const requestLog = options.requestLog.enabled
    ? new RequestLogWriter(options.prisma, {
        batchSize: options.requestLog.batchSize,
        flushIntervalMs: options.requestLog.flushIntervalMs,
        maxBuffered: options.requestLog.maxBuffered,
        sqliteWorker: options.requestLog.sqliteWorker,
        onError: (error) => logger.warn('[api-access] could not write request logs; will retry', error instanceof Error ? error.message : error),
      })
    : null;
  const requireApiToken = createRequireApiToken({
    verifier,
    usage,
    requestLog,
    clock,
    realm: options.realm,
    onError: (error) => logger.error('[api-access] token verification failed', error),
    onOutage: (message) => logger.error(message),
  });
  let changeFeed: ChangeFeed | null = null;
  if (options.changeFeed) {
    const feed = new PgChangeFeed({ url: options.changeFeed.postgresUrl, channel: options.changeFeed.channel, logger });
    // TokenEvents fires after each commit: tell the other processes.
    events.onChange((change) => void feed.publish(change));
    feed.start({ onChange: (tokenId) => verifier.forget(tokenId), onReset: () => verifier.clear() });
    changeFeed = feed;
  }
  const notifications = options.notifications;
  const mailer = notifications ? createMailer(notifications.transport) : null;
  const notifier =
    notifications && mailer
      ? new ExpiryNotifier({
          prisma: options.prisma,
          mailer,
          clock,
          logger,
          from: notifications.from,
          tokenUrl: (id) => `${notifications.adminUrl}/resources/ApiToken/records/${encodeURIComponent(id)}/show`,
          recipients: notifications.recipients,
          users: options.users,
          claimLeaseMs: notifications.claimLeaseMs,
        })
      : null;
  const retention = new RequestLogRetention({
    prisma: options.prisma,
    clock,
    logger,
    retentionDays: options.requestLog.retentionDays,
    batchSize: options.requestLog.purgeBatchSize,
  });
  const scheduler = new JobScheduler((signal) => runJobs({ notifier, retention }, signal), {
    logger,
    onResult: (report) => {
      if (isEventful(report)) logJobsReport(logger, report);
    },
  });
  let closed = false;
  const assertOpen = (what: string) => {
    if (closed) throw new ApiAccessError('INVALID_STATE', `Cannot ${what}: this api-access instance was closed.`);
  };
  return {
    service,
    verifier,
    policy,
    tokenPrefix: options.tokenPrefix,
    tokenPattern: tokenPattern(options.tokenPrefix),
    access,
    events,
    requestLog,
    clock,
    logger,
    prisma: options.prisma,
    requireApiToken,
    notifier,
    retention,
    changeFeed,
    async runJobs() {
      assertOpen('run jobs');
      return scheduler.runOnce();
    },
    startJobs(input = {}) {
      assertOpen('start jobs');
      const parsed = startJobsSchema.safeParse(input ?? {});
      if (!parsed.success) throw optionsError('startJobs', parsed.error);
      if (!notifier) logger.info('[api-access] expiry e-mails are off: no notifications option given');
      scheduler.start(parsed.data.intervalMs);
      return { stop: () => scheduler.stop() };
    },
    async flush() {
      await Promise.all([requestLog?.flush(), usage.flush(), retiredSecrets.flush()]);
    },
    async close() {
      // The jobs first: a run in progress stops at its next safe point before the rest shuts down.
      if (!closed) {
        closed = true;
        await scheduler.stop();
        mailer?.close();
      }
      // Node reports a closed connection a turn later: its unfinished requests' rows are made now,
      // while the request log still takes them.
      abandonClosedConnections();
      await Promise.all([requestLog?.close(), usage.close(), retiredSecrets.flush()]);
      await changeFeed?.close();
      verifier.close();
    },
  };
}
