import { columnIndex, type LogRow } from '../core/request-logs/columns.js';
import { UsageRollup } from '../usage/rollup.js';

const TIME = columnIndex('createdAt');
const TOKEN = columnIndex('tokenId');
const STATUS = columnIndex('status');
const DURATION = columnIndex('durationMs');

/** The usage of a batch of rows as a worker thread receives them (codec.ts). */
export function rollupOfRows(rows: readonly LogRow[]): UsageRollup {
  const rollup = new UsageRollup();
  for (const row of rows) rollup.add(row[TOKEN] as string, row[TIME] as number, row[STATUS] as number, row[DURATION] as number);
  return rollup;
}
