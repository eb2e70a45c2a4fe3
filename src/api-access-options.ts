import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { MIN_PEPPER_LENGTH } from './core/hashing.js';
import type { PolicyInput } from './core/policy.js';
import { declaredRolesSchema } from './core/roles/declare.js';
import { missingModels, missingModelsMessage } from './store/schema-check.js';
import { PREFIX_PATTERN } from './core/token-format.js';
import type { Clock, Logger, UserDirectory } from './core/types.js';
import { notificationsSchema } from './jobs/options.js';
import { leakReportsSchema } from './leaks/options.js';

/** A postgres:// or postgresql:// connection string. */
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL');

/**
 * The options of createApiAccess: the one place each is checked, documented and given its
 * default. ApiAccessOptions is derived from it, so the type and the check cannot drift apart.
 * An object of options takes `.prefault({})`: left out, it is parsed as {}, so the defaults of
 * its fields are written once, on the fields.
 */
export const apiAccessOptionsSchema = z
  .object({
    /** The host's PrismaClient, built from a schema that includes prisma/schema/api-access.prisma. */
    prisma: z.custom<PrismaClient>((v) => typeof v === 'object' && v !== null && missingModels(v).length === 0, {
      error: (issue) =>
        typeof issue.input === 'object' && issue.input !== null
          ? missingModelsMessage(missingModels(issue.input))
          : "must be your PrismaClient, generated from a schema with the plugin's models (api-access.prisma)",
    }),
    /** Server-side secret mixed into every token hash; at least 32 characters. Keep it out of the database. */
    pepper: z.string({ error: 'is required' }).min(MIN_PEPPER_LENGTH, `must be at least ${MIN_PEPPER_LENGTH} characters`),
    /** How the plugin looks up the host's users (the acting admin, owners, the token-admin grant). */
    users: z.custom<UserDirectory>((v) => typeof (v as UserDirectory | undefined)?.findById === 'function', 'must have a findById(id) function'),
    /**
     * Roles to have in the database, by name: made at start-up when missing, updated when their
     * description or scopes differ, left alone when equal (safe when several processes start at
     * once). Roles made in the screens are kept beside them.
     */
    roles: declaredRolesSchema.optional(),
    /** Starts every token, e.g. "acme" gives acme_…; lets secret scanners recognise leaked tokens. */
    tokenPrefix: z.string().regex(PREFIX_PATTERN, 'must be 2-16 lowercase letters or digits, starting with a letter').default('aat'),
    /** The deployment's token rules (checked by resolvePolicy, which names every bad field). */
    policy: z.custom<PolicyInput>().optional(),
    /** Let ordinary admins manage their own personal tokens (default: super admins only). */
    allowPersonalTokens: z.boolean().default(false),
    verification: z
      .object({
        /** How long a verified token is trusted without asking the database: the bound on cross-process revocation delay. */
        cacheTtlMs: z.number().int().min(0).max(3_600_000).default(10_000),
        /** Verifications kept in memory; past that the oldest loaded is dropped. */
        maxCacheEntries: z.number().int().min(1).max(10_000_000).default(50_000),
        /** How often "last used" is written, at most once per token. */
        lastUsedFlushMs: z.number().int().min(100).max(3_600_000).default(60_000),
      })
      .strict()
      .prefault({}),
    requestLog: z
      .object({
        enabled: z.boolean().default(true),
        /** Rows one INSERT writes. */
        batchSize: z.number().int().min(1).max(10_000).default(500),
        /** How long a partial batch waits before it is written. */
        flushIntervalMs: z.number().int().min(10).max(60_000).default(1_000),
        /** Rows kept while the database is out of reach; past that the oldest tenth is dropped. */
        maxBuffered: z.number().int().min(1).max(10_000_000).default(200_000),
        /** Request logs older than this many days are deleted by the retention job. */
        retentionDays: z.number().int().min(1).max(36_500).default(90),
        /** Rows the retention job deletes per statement: small, so verification never waits long. */
        purgeBatchSize: z.number().int().min(1).max(100_000).default(5_000),
        /** Usage rollups (requests per token and day) older than this many days are deleted by the retention job (13 months). */
        rollupRetentionDays: z.number().int().min(1).max(36_500).default(395),
        /**
         * On SQLite: write request logs from a worker thread with its own connection to this database
         * file (a path or file: URL; the file prisma uses), so that inserting them never runs on the
         * event loop that serves the API. `timestampFormat` must match the SQLite adapter's.
         */
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
        /**
         * On PostgreSQL: write request logs from a worker thread with its own connection (through the
         * `pg` package) to this database, so that their statements never run on the event loop that
         * serves the API. `url` is the connection string the host's Prisma adapter is given.
         */
        postgresWorker: z.object({ url: postgresUrl }).strict().optional(),
      })
      .strict()
      .refine((log) => !(log.sqliteWorker && log.postgresWorker), {
        message: 'takes sqliteWorker or postgresWorker, not both: the request logs go to one database',
      })
      .prefault({}),
    /** Expiry e-mails: without this option no e-mail is sent. */
    notifications: notificationsSchema.optional(),
    /**
     * Several host processes on one PostgreSQL database: each change to a token is sent to every
     * process (LISTEN/NOTIFY on `postgresUrl`, through the `pg` package), which drops its cached
     * verifications of that token at once. Without it, another process refuses a revoked secret
     * only once its cached verification expires (verification.cacheTtlMs).
     */
    changeFeed: z
      .object({
        /** postgres://… of the database the hosts share; the feed holds one extra connection per process. */
        postgresUrl,
        /** The NOTIFY channel. */
        channel: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be 1-63 lowercase letters, digits or _, not starting with a digit')
          .default('api_access_tokens'),
      })
      .strict()
      .optional(),
    /** Leaked-token reports: GitHub's secret scanning endpoint and the admins' "Report leaked" (see leakReportHandler). */
    leakReports: leakReportsSchema.prefault({}),
    /** The realm in WWW-Authenticate challenges. */
    realm: z
      .string()
      .regex(/^[\x20-\x7e]{1,64}$/)
      .refine((v) => !v.includes('"'), 'must not contain quotes')
      .default('api'),
    /** The time source (default: the system clock). */
    clock: z.custom<Clock>((v) => typeof v === 'function', 'must be a function returning a Date').optional(),
    /** Where operators' messages go (default: console). */
    logger: z
      .custom<Logger>(
        (v) => ['info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown> | undefined)?.[m] === 'function'),
        'must have info, warn and error methods',
      )
      .optional(),
  })
  .strict();

/** What a host gives createApiAccess (see apiAccessOptionsSchema for each option). */
export type ApiAccessOptions = z.input<typeof apiAccessOptionsSchema>;
/** The options after parsing: every default filled in. */
export type ResolvedApiAccessOptions = z.output<typeof apiAccessOptionsSchema>;
