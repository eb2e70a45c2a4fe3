import { z } from 'zod';
import { LEAK_ACTIONS } from '../core/tokens/report-leak.js';

/** Where GitHub publishes the keys that sign its secret scanning reports. */
export const GITHUB_SECRET_SCANNING_KEYS_URL = 'https://api.github.com/meta/public_keys/secret_scanning';

/** The host's settings for leaked-token reports (the `leakReports` option); LeakReportsOptions is derived from it. */
export const leakReportsSchema = z
  .object({
    /**
     * What happens to a valid token reported leaked: 'disable' (refused at once, an admin can look
     * and delete), 'delete', or 'report-only' (recorded, audited and e-mailed; it keeps working).
     */
    action: z.enum(LEAK_ACTIONS).default('disable'),
    /** The public keys that sign reports; `{ public_keys: [{ key_identifier, key, is_current }] }`. */
    publicKeysUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .default(GITHUB_SECRET_SCANNING_KEYS_URL),
    /** A key identifier not yet known fetches the keys again at most this often. */
    keyRefetchIntervalMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /** Each fetch of the keys gives up after this long. */
    keyFetchTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** Tries per fetch of the keys, backing off from 200 ms. */
    keyFetchAttempts: z.number().int().min(1).max(10).default(3),
    /** The largest report body taken, in bytes; larger ones get 413. */
    maxBodyBytes: z.number().int().min(1_000).max(50_000_000).default(1_000_000),
  })
  .strict();

export type LeakReportsOptions = z.input<typeof leakReportsSchema>;
export type ResolvedLeakReports = z.output<typeof leakReportsSchema>;
