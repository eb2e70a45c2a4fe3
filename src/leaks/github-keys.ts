import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../core/types.js';

/** The answer of GitHub's public key endpoint (extra fields are ignored). */
const keysSchema = z.object({
  public_keys: z
    .array(z.object({ key_identifier: z.string().min(1).max(500), key: z.string().min(1).max(10_000), is_current: z.boolean().optional() }))
    .max(1_000),
});

/** The most bytes a key list may have: GitHub's is a few kilobytes. */
const MAX_KEYS_BYTES = 1_000_000;
const FIRST_RETRY_DELAY_MS = 200;

export interface PublicKeyStoreOptions {
  url: string;
  refetchIntervalMs: number;
  timeoutMs: number;
  attempts: number;
  logger: Logger;
}

/** A key, or why there is none: the list does not have it, or the list could not be fetched. */
export type KeyLookup = { kind: 'key'; key: KeyObject } | { kind: 'unknown' } | { kind: 'unavailable' };

/**
 * The public keys that sign secret scanning reports, fetched from the configured URL and kept in
 * memory. A report signed with a key identifier not in the list fetches it again (the signer
 * rotated its keys), but at most once per `refetchIntervalMs`, so that made-up identifiers cannot
 * turn the endpoint into a flood of requests to the key server; concurrent lookups share one
 * fetch. Each fetch is bounded: a timeout per try and a few tries with backoff.
 */
export class PublicKeyStore {
  private keys = new Map<string, KeyObject>();
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private lastFetchOk = false;
  private inFlight: Promise<void> | null = null;
  /** Fetches made (a fetch counts once however many tries it took). */
  fetches = 0;

  constructor(private readonly options: PublicKeyStoreOptions) {}

  async lookup(keyId: string): Promise<KeyLookup> {
    const known = this.keys.get(keyId);
    if (known) return { kind: 'key', key: known };
    if (this.inFlight) await this.inFlight;
    else if (Date.now() - this.lastFetchAt >= this.options.refetchIntervalMs) await this.refetch();
    const key = this.keys.get(keyId);
    if (key) return { kind: 'key', key };
    return this.lastFetchOk ? { kind: 'unknown' } : { kind: 'unavailable' };
  }

  private refetch(): Promise<void> {
    this.inFlight ??= this.fetchWithRetries().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchWithRetries(): Promise<void> {
    this.fetches++;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      try {
        this.keys = await this.fetchOnce();
        this.lastFetchOk = true;
        this.lastFetchAt = Date.now();
        return;
      } catch (error) {
        lastError = error;
        if (attempt < this.options.attempts) await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1)));
      }
    }
    // The keys known before stay usable: a report signed with one of them is still verified.
    this.lastFetchOk = false;
    this.lastFetchAt = Date.now();
    this.options.logger.warn(
      `[api-access] could not fetch the secret scanning public keys from ${this.options.url} (${this.options.attempts} tries): ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    );
  }

  private async fetchOnce(): Promise<Map<string, KeyObject>> {
    const response = await fetch(this.options.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`the key server answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_KEYS_BYTES) throw new Error(`the key list is ${declared} bytes, more than ${MAX_KEYS_BYTES}`);
    const text = await response.text();
    if (text.length > MAX_KEYS_BYTES) throw new Error(`the key list is more than ${MAX_KEYS_BYTES} bytes`);
    const parsed = keysSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error('the key list is not { public_keys: [{ key_identifier, key }] }');
    const keys = new Map<string, KeyObject>();
    for (const entry of parsed.data.public_keys) {
      try {
        const key = createPublicKey(entry.key);
        if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not an ECDSA P-256 key');
        keys.set(entry.key_identifier, key);
      } catch (error) {
        this.options.logger.warn(
          `[api-access] skipped secret scanning public key ${entry.key_identifier}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return keys;
  }
}

/** ECDSA P-256 over SHA-256 of the exact bytes received, with a DER signature (GitHub's scheme). */
export function signatureValid(body: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false; // a signature that is not DER at all
  }
}
