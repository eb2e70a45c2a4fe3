import type { RequestLogEntry } from '../core/request-logs/columns.js';

/** Where rows wait and how a batch of them is written: through Prisma, or a worker thread. */
export interface LogTransport {
  /** Rows waiting (not those of a batch on its way). */
  readonly buffered: number;
  push(entry: RequestLogEntry): void;
  /** Drops the `count` oldest waiting rows. */
  dropOldest(count: number): void;
  /**
   * Writes the oldest waiting rows, up to one batch, with their usage rollup in the same
   * transaction, and resolves to how many (0 when none wait). On failure nothing of the batch is
   * stored, the rows are back at the front and the error is thrown.
   */
  writeBatch(): Promise<number>;
  close(): Promise<void>;
}
