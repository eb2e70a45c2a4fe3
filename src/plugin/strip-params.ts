import type { ActionResponse, After } from 'adminjs';

interface RecordLike {
  params?: Record<string, unknown>;
  populated?: Record<string, RecordLike | null | undefined>;
}

function strip(record: RecordLike | null | undefined, keys: readonly string[]): void {
  if (!record) return;
  if (record.params) {
    for (const key of Object.keys(record.params)) {
      // Flattened params name nested values "key.0", "key.sub": drop those too.
      if (keys.some((k) => key === k || key.startsWith(`${k}.`))) delete record.params[key];
    }
  }
  for (const populated of Object.values(record.populated ?? {})) strip(populated, keys);
}

/**
 * An AdminJS `after` hook that removes params from every record an action returns.
 * `isVisible: false` only hides a field on screen; record.toJSON() still sends it to the
 * browser, so secrets such as hashes must be removed from the response itself.
 */
export function stripParams(keys: readonly string[]): After<ActionResponse> {
  return async (response) => {
    strip(response.record as RecordLike | undefined, keys);
    for (const record of (response.records as RecordLike[] | undefined) ?? []) strip(record, keys);
    return response;
  };
}
