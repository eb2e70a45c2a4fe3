/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field holding a
 * comma, a double quote, CR or LF enclosed in double quotes with its quotes doubled.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR, which they skip before
 * looking) as a formula, so such a text cell gets a leading apostrophe: the value a client
 * chose (a path, a user agent, a token name) opens as text, never as a formula. Numbers are
 * written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRecord(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
