import { z } from 'zod';
import { LEAK_ACTIONS, type LeakAction } from '../core/tokens/report-leak.js';

/** Where GitHub publishes the keys that sign its secret scanning reports. */
export const GITHUB_SECRET_SCANNING_KEYS_URL = 'https://api.github.com/meta/public_keys/secret_scanning';

/** The host's settings for leaked-token reports (the `leakReports` option). */
export interface LeakReportsOptions {
  /**
   * What happens to a valid token reported leaked: 'disable' (default: refused at once, an admin
   * can look and delete), 'delete', or 'report-only' (recorded, audited and e-mailed; it keeps working).
   */
  action?: LeakAction;
  /** The public keys that sign reports (default GitHub's); `{ public_keys: [{ key_identifier, key, is_current }] }`. */
  publicKeysUrl?: string;
  /** A key identifier not yet known fetches the keys again at most this often (default 60 s). */
  keyRefetchIntervalMs?: number;
  /** Each fetch of the keys gives up after this long (default 5 s). */
  keyFetchTimeoutMs?: number;
  /** Tries per fetch of the keys, backing off from 200 ms (default 3). */
  keyFetchAttempts?: number;
  /** The largest report body taken, in bytes (default 1 MB); larger ones get 413. */
  maxBodyBytes?: number;
}

export const leakReportsSchema = z
  .object({
    action: z.enum(LEAK_ACTIONS).default('disable'),
    publicKeysUrl: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL').default(GITHUB_SECRET_SCANNING_KEYS_URL),
    keyRefetchIntervalMs: z.number().int().min(0).max(86_400_000).default(60_000),
    keyFetchTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    keyFetchAttempts: z.number().int().min(1).max(10).default(3),
    maxBodyBytes: z.number().int().min(1_000).max(50_000_000).default(1_000_000),
  })
  .strict();

export type ResolvedLeakReports = z.output<typeof leakReportsSchema>;

export const LEAK_REPORT_DEFAULTS: ResolvedLeakReports = leakReportsSchema.parse({});
