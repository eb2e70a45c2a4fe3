import { REQUEST_LOG_COLUMN_LIST, REQUEST_LOG_COLUMNS, REQUEST_LOG_TABLE } from '../core/request-logs/columns.js';

const ROW = `(${REQUEST_LOG_COLUMNS.map(() => '?').join(', ')})`;

/** An INSERT of `rows` request-log rows, a `?` for each value (columns in REQUEST_LOG_COLUMNS order). */
export function insertSql(rows: number): string {
  return `INSERT INTO "${REQUEST_LOG_TABLE}" (${REQUEST_LOG_COLUMN_LIST}) VALUES ${new Array<string>(rows).fill(ROW).join(', ')}`;
}

/** The literal parts around the `?` of a statement: the strings of a Prisma.sql template. */
export function sqlTemplate(text: string): string[] {
  return text.split('?');
}
