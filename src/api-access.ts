import type { PrismaClient } from '@prisma/client';
import { apiAccessOptionsSchema, type ApiAccessOptions } from './api-access-options.js';
import type { AccessOptions } from './core/access.js';
import type { ChangeFeed } from './core/change-feed.js';
import { TokenEvents } from './core/events.js';
import { declareRoles } from './core/roles/declare.js';
import { checkRequestLogId, checkTables } from './store/schema-check.js';
import { apiError } from './core/errors.js';
import { optionIssues, optionsError, parsePolicy, type Policy, type PolicyInput } from './core/policy.js';
import { tokenPattern } from './core/token-format.js';
import { TokenService, type TokenServiceDeps } from './core/token-service.js';
import type { Clock, DirectoryUser, Logger } from './core/types.js';
import { checkedDirectory } from './core/user-directory.js';
import { UsageTracker } from './core/usage-tracker.js';
import { RetiredSecretAudit } from './core/retired-secret-audit.js';
import { TokenVerifier } from './core/verifier.js';
import { PgChangeFeed } from './postgres/pg-change-feed.js';
import { prismaStore } from './store/prisma-store.js';
import { inOwnTransaction } from './store/own-transaction.js';
import { RequestLogWriter } from './request-log/writer.js';
import { createRequireApiToken, type RequireApiTokenOptions } from './http/require-api-token.js';
import { abandonClosedConnections } from './http/response-finish.js';
import { ExpiryNotifier } from './jobs/expiry-notifier.js';
import { isEventful, logJobsReport, runJobs, type JobsReport } from './jobs/jobs.js';
import { createMailer } from './jobs/mailer.js';
import { startJobsSchema, type StartJobsOptions } from './jobs/options.js';
import { RequestLogRetention } from './jobs/request-log-retention.js';
import { JobScheduler } from './jobs/scheduler.js';
import type { RequestHandler } from 'express';
import { createLeakReportHandler } from './leaks/github-handler.js';
import { PublicKeyStore } from './leaks/github-keys.js';
import { LeakReports } from './leaks/leak-reports.js';

export type { Logger } from './core/types.js';
export type { ApiAccessOptions } from './api-access-options.js';

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
  /** The host's `users` option, each answer checked and its id made a string. */
  readonly users: { findById(id: string): Promise<DirectoryUser | null> };
  /**
   * The start-up work, done on the first call: the plugin's tables checked (a database the
   * migration never ran on fails here with what to run) and the `roles` option applied. Await it
   * before `listen`; the screens wait for it too. After a failure, the next call tries again.
   */
  ready(): Promise<void>;
  /** Express middleware that admits a request only with a valid token holding every scope given. */
  requireApiToken(options?: RequireApiTokenOptions): RequestHandler;
  /** Leaked-token reports: from GitHub, from admins, and "Check text for tokens". */
  readonly leakReports: LeakReports;
  /**
   * Express handler for GitHub's secret scanning partner program: mount it with POST before any
   * JSON body parser (it verifies the signature over the raw body), e.g.
   * `app.post('/api/github/secret-scanning', apiAccess.leakReportHandler())`.
   */
  leakReportHandler(): RequestHandler;
  /** Writes buffered request logs and last-used times now. */
  flush(): Promise<void>;
  /** The expiry e-mail job; null without the `notifications` option. */
  readonly notifier: ExpiryNotifier | null;
  /** The request-log retention job. */
  readonly retention: RequestLogRetention;
  /** The cross-process change feed; null without the `changeFeed` option. */
  readonly changeFeed: ChangeFeed | null;
  /** Runs the expiry e-mails, the retry of leak e-mails and the request-log retention once, now (or joins the run in progress). */
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

/** A token's page in the admin panel, which e-mails link to. */
function tokenPage(adminUrl: string): (tokenId: string) => string {
  return (id) => `${adminUrl}/resources/ApiToken/records/${encodeURIComponent(id)}/show`;
}

/** Builds the token system from the host's options, failing at start-up with every bad option named. */
export function createApiAccess(input: ApiAccessOptions): ApiAccess {
  const parsed = apiAccessOptionsSchema.safeParse(input);
  const { policy, issues: policyIssues = [] } = parsePolicy((input as { policy?: PolicyInput } | undefined)?.policy);
  const roleScopes =
    parsed.success && policy?.allowedScopes && parsed.data.roles
      ? parsed.data.roles.flatMap((role) => role.scopes.filter((scope) => !policy.allowedScopes!.includes(scope)).map((scope) => `${role.name}: ${scope}`))
      : [];
  if (roleScopes.length > 0) throw apiError('rolesOutsideAllowedScopes', { roleScopes });
  if (!parsed.success || !policy) {
    // One error that names every bad option, the policy's included.
    throw apiError('invalidOptions', { issues: [...(parsed.success ? [] : optionIssues('options', parsed.error)), ...policyIssues] });
  }
  const options = parsed.data;
  const clock: Clock = options.clock ?? (() => new Date());
  const logger: Logger = options.logger ?? console;
  const events = new TokenEvents();
  const users = checkedDirectory(options.users);
  const access: AccessOptions = { allowPersonalTokens: options.allowPersonalTokens };
  const store = prismaStore(options.prisma);
  const serviceDeps: TokenServiceDeps = {
    store,
    pepper: options.pepper,
    tokenPrefix: options.tokenPrefix,
    policy,
    users,
    access,
    clock,
    events,
  };
  const service = new TokenService(serviceDeps);
  const retiredSecrets = new RetiredSecretAudit(store, clock, (error) =>
    logger.warn('[api-access] could not audit the use of a rotated-out secret', error instanceof Error ? error.message : error),
  );
  const verifier = new TokenVerifier({
    onRetiredSecret: (use) => void retiredSecrets.report(use),
    store,
    pepper: options.pepper,
    tokenPrefix: options.tokenPrefix,
    clock,
    events,
    cacheTtlMs: options.verification.cacheTtlMs,
    maxCacheEntries: options.verification.maxCacheEntries,
  });
  const usage = new UsageTracker(store, options.verification.lastUsedFlushMs, (error) =>
    logger.warn('[api-access] could not record last use; will retry', error instanceof Error ? error.message : error),
  );
  usage.start();
  const requestLog = options.requestLog.enabled
    ? new RequestLogWriter(options.prisma, {
        batchSize: options.requestLog.batchSize,
        flushIntervalMs: options.requestLog.flushIntervalMs,
        maxBuffered: options.requestLog.maxBuffered,
        sqliteWorker: options.requestLog.sqliteWorker,
        postgresWorker: options.requestLog.postgresWorker,
        inTransaction: (write) => inOwnTransaction(options.prisma, write),
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
          tokenUrl: tokenPage(notifications.adminUrl),
          recipients: notifications.recipients,
          users,
          claimLeaseMs: notifications.claimLeaseMs,
        })
      : null;
  const leakReports = new LeakReports({
    core: serviceDeps,
    action: options.leakReports.action,
    mail:
      notifications && mailer
        ? { mailer, from: notifications.from, tokenUrl: tokenPage(notifications.adminUrl), users: options.users, claimLeaseMs: notifications.claimLeaseMs }
        : null,
    logger,
  });
  // One key cache for every handler the host mounts.
  let leakKeys: PublicKeyStore | null = null;
  const retention = new RequestLogRetention({
    prisma: options.prisma,
    clock,
    logger,
    retentionDays: options.requestLog.retentionDays,
    rollupRetentionDays: options.requestLog.rollupRetentionDays,
    batchSize: options.requestLog.purgeBatchSize,
  });
  const scheduler = new JobScheduler((signal) => runJobs({ notifier, leakMails: mailer ? leakReports : null, retention }, signal), {
    logger,
    onResult: (report) => {
      if (isEventful(report)) logJobsReport(logger, report);
    },
  });
  const startUp = async () => {
    await checkTables(options.prisma);
    await checkRequestLogId(options.prisma);
    if (options.roles && options.roles.length > 0) await declareRoles({ store, clock, events }, options.roles);
  };
  // Run on the first call (the host's, before it listens, or the first screen's), not here:
  // building the token system asks nothing of the database.
  let started: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    if (started) return started;
    const attempt = startUp();
    started = attempt;
    attempt.catch((error: unknown) => {
      logger.error(`[api-access] start-up failed: ${error instanceof Error ? error.message : String(error)}`);
      // The next call tries again (e.g. once the migration has run).
      if (started === attempt) started = null;
    });
    return attempt;
  };
  let closed = false;
  const assertOpen = (what: string) => {
    if (closed) throw apiError('instanceClosed', { action: what });
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
    users,
    ready,
    requireApiToken,
    notifier,
    retention,
    changeFeed,
    leakReports,
    leakReportHandler() {
      leakKeys ??= new PublicKeyStore({
        url: options.leakReports.publicKeysUrl,
        refetchIntervalMs: options.leakReports.keyRefetchIntervalMs,
        timeoutMs: options.leakReports.keyFetchTimeoutMs,
        attempts: options.leakReports.keyFetchAttempts,
        logger,
      });
      return createLeakReportHandler({ reports: leakReports, keys: leakKeys, maxBodyBytes: options.leakReports.maxBodyBytes, logger });
    },
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
        await leakReports.settled();
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
