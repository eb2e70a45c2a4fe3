import type { TokenServiceDeps } from '../context.js';
import { resolveActor } from '../grants/resolve-actor.js';
import type { Actor, RequestLogView } from '../types.js';
import { parseRequestLogFilter, readableRequestLogs } from './query.js';

/** Rows read per statement when exporting: small enough to hold, big enough to keep statements few. */
export const EXPORT_PAGE_SIZE = 1_000;

/**
 * The request logs `actor` may read under `rawFilter`, newest first, one page at a time: each
 * page is read when the one before has been consumed (keyset pagination on createdAt, id, never
 * OFFSET), so an export of millions of rows holds one page in memory. The access rule and the
 * period are checked before the first page is read: a refusal comes before any row.
 */
export async function requestLogPages(
  deps: TokenServiceDeps,
  actorIn: Actor,
  rawFilter: unknown,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<AsyncIterable<RequestLogView[]>> {
  const actor = await resolveActor(deps, actorIn);
  const scope = await readableRequestLogs(deps, actor, parseRequestLogFilter(rawFilter));
  return {
    async *[Symbol.asyncIterator]() {
      let after: RequestLogView | null = null;
      for (;;) {
        const rows: RequestLogView[] = await deps.store.requestLogsBefore(scope, after, pageSize);
        if (rows.length > 0) yield rows;
        if (rows.length < pageSize) return;
        after = rows[rows.length - 1]!;
      }
    },
  };
}
