// Request-log rows as bytes, for a worker thread: encoded on the event loop when a response
// finishes, decoded in the worker. Written straight into a buffer, a row costs a fraction of a
// microsecond for the usual ASCII values, and nothing of the request is kept alive.
//
// Layout of a row: the columns of REQUEST_LOG_COLUMNS in order, little-endian; text as a uint16
// byte length then its UTF-8 bytes, a status as a uint16, a duration and a time (ms since the
// epoch) as a float64 each. Both ends are this module, in one process: the format is not stored.
import { REQUEST_LOG_COLUMNS, type ColumnKind, type LogRow, type RequestLogEntry } from '../core/request-logs/columns.js';

const TEXT = 0;
const STATUS = 1;
const DURATION = 2;
const TIME = 3;
const KIND_CODE: Record<ColumnKind, number> = { text: TEXT, status: STATUS, duration: DURATION, time: TIME };

/** Per column, in order: its name and kind code (arrays, so the row loops index them cheaply). */
const NAMES: readonly string[] = REQUEST_LOG_COLUMNS.map((c) => c.name);
const KINDS: readonly number[] = REQUEST_LOG_COLUMNS.map((c) => KIND_CODE[c.kind]);
const COLUMNS = NAMES.length;
const TEXT_COLUMNS = KINDS.filter((k) => k === TEXT).length;
/** Bytes of the columns that are not text. */
const FIXED = KINDS.reduce((sum, k) => sum + (k === TEXT ? 0 : k === STATUS ? 2 : 8), 0);

/** A string's UTF-8 length must fit its uint16 prefix: at most 3 bytes per UTF-16 unit. */
export const MAX_TEXT_UNITS = Math.floor(0xffff / 3);
const INITIAL_CAPACITY = 16 * 1024;

function bounded(value: string): string {
  return value.length > MAX_TEXT_UNITS ? value.slice(0, MAX_TEXT_UNITS) : value;
}

/**
 * A growing buffer of encoded rows, oldest first. Rows can be dropped from the front (a full
 * buffer sheds its oldest rows) and the rest read as one byte range.
 */
export class EncodedRows {
  private bytes: Buffer;
  private view: DataView;
  /** Byte offset of the first row still held. */
  private start = 0;
  /** Bytes in use, from 0. */
  private end = 0;
  /** Rows held. */
  count = 0;
  /** The row being appended's text values, bounded (reused: no allocation a row). */
  private readonly texts: string[] = new Array<string>(COLUMNS).fill('');

  constructor(capacity = INITIAL_CAPACITY) {
    this.bytes = Buffer.alloc(capacity);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Empties it for reuse, keeping its memory. */
  reset(): void {
    this.start = 0;
    this.end = 0;
    this.count = 0;
  }

  append(entry: RequestLogEntry): void {
    const values = entry as unknown as Record<string, string | number | Date>;
    const texts = this.texts;
    let worst = FIXED + 2 * TEXT_COLUMNS;
    for (let c = 0; c < COLUMNS; c++) {
      if (KINDS[c] !== TEXT) continue;
      const text = bounded(values[NAMES[c]!] as string);
      texts[c] = text;
      worst += 3 * text.length;
    }
    if (this.end + worst > this.bytes.length) this.grow(this.end + worst);
    const view = this.view;
    let at = this.end;
    for (let c = 0; c < COLUMNS; c++) {
      switch (KINDS[c]) {
        case TEXT:
          at = this.writeString(texts[c]!, at);
          break;
        case STATUS:
          view.setUint16(at, values[NAMES[c]!] as number, true);
          at += 2;
          break;
        case DURATION:
          view.setFloat64(at, values[NAMES[c]!] as number, true);
          at += 8;
          break;
        default:
          view.setFloat64(at, (values[NAMES[c]!] as Date).getTime(), true);
          at += 8;
      }
    }
    this.end = at;
    this.count++;
  }

  /** Drops the `rows` oldest rows. */
  dropFront(rows: number): void {
    const n = Math.min(rows, this.count);
    let at = this.start;
    for (let row = 0; row < n; row++) {
      for (let c = 0; c < COLUMNS; c++) {
        const kind = KINDS[c];
        at += kind === TEXT ? 2 + this.view.getUint16(at, true) : kind === STATUS ? 2 : 8;
      }
    }
    this.start = at;
    this.count -= n;
  }

  /** The rows held, as a view on this buffer (valid until the next change). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.start, this.end);
  }

  private grow(needed: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const bytes = Buffer.alloc(capacity);
    this.bytes.copy(bytes, 0, 0, this.end);
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** ASCII, the usual case, byte by byte (no native call); anything else through Buffer.write. */
  private writeString(value: string, at: number): number {
    const bytes = this.bytes;
    const length = value.length;
    const body = at + 2;
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) break;
      bytes[body + i] = code;
    }
    const written = i === length ? length : bytes.write(value, body, 'utf8');
    this.view.setUint16(at, written, true);
    return body + written;
  }
}

/**
 * The rows of an EncodedRows payload.
 *
 * Consecutive rows mostly repeat their text (one token's name and id, one route, one client):
 * a field whose bytes equal the previous row's reuses that row's string instead of decoding it
 * again, which is a native call a field.
 */
export function decodeRows(payload: Uint8Array): LogRow[] {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const rows: LogRow[] = [];
  // Per column: where the previous row's bytes start, how many, and their string.
  const previousStart = new Array<number>(COLUMNS).fill(0);
  const previousLength = new Array<number>(COLUMNS).fill(-1);
  const previousValue = new Array<string>(COLUMNS).fill('');
  let at = 0;
  const string = (column: number): string => {
    const length = view.getUint16(at, true);
    const start = at + 2;
    at = start + length;
    if (length === previousLength[column]) {
      const before = previousStart[column]!;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[start + i] !== bytes[before + i]) {
          same = false;
          break;
        }
      }
      previousStart[column] = start;
      if (same) return previousValue[column]!;
    }
    const value = bytes.toString('utf8', start, start + length);
    previousStart[column] = start;
    previousLength[column] = length;
    previousValue[column] = value;
    return value;
  };
  while (at < bytes.length) {
    const row = new Array<string | number>(COLUMNS);
    for (let c = 0; c < COLUMNS; c++) {
      switch (KINDS[c]) {
        case TEXT:
          row[c] = string(c);
          break;
        case STATUS:
          row[c] = view.getUint16(at, true);
          at += 2;
          break;
        default:
          row[c] = view.getFloat64(at, true);
          at += 8;
      }
    }
    rows.push(row as unknown as LogRow);
  }
  return rows;
}
