// Request-log rows as bytes, for the SQLite worker: encoded on the event loop when a response
// finishes, decoded in the worker thread.
//
// The rows used to cross to the worker as JSON of arrays, built per batch: that was the largest
// single cost the API's event loop paid for request logging (about 1.8 µs a request measured in a
// profile of the bench server, plus the entry objects kept alive until their batch was sent).
// Written straight into a buffer, a row costs about a tenth of a microsecond for the usual ASCII
// values, and nothing of the request is kept.
//
// Layout of a row: six strings (tokenId, tokenName, method, path, ip, userAgent), each a uint16
// byte length then its UTF-8 bytes, then status (uint16), durationMs and createdAt in ms (float64
// each). Little-endian. Both ends are this module, in one process: the format is not stored.
import type { RequestLogEntry } from './request-log-writer.js';

/** A row as the worker inserts it: createdAt in ms since the epoch. */
export type LogRow = [tokenId: string, tokenName: string, method: string, path: string, status: number, ip: string, userAgent: string, durationMs: number, createdAt: number];

const STRINGS = 6;
const FIXED = 2 + 8 + 8;
/** A string's UTF-8 length must fit its uint16 prefix: at most 3 bytes per UTF-16 unit. */
const MAX_STRING_UNITS = Math.floor(0xffff / 3);
const INITIAL_CAPACITY = 16 * 1024;

function bounded(value: string): string {
  return value.length > MAX_STRING_UNITS ? value.slice(0, MAX_STRING_UNITS) : value;
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
    const tokenId = bounded(entry.tokenId);
    const tokenName = bounded(entry.tokenName);
    const method = bounded(entry.method);
    const path = bounded(entry.path);
    const ip = bounded(entry.ip);
    const userAgent = bounded(entry.userAgent);
    const worst = 3 * (tokenId.length + tokenName.length + method.length + path.length + ip.length + userAgent.length) + 2 * STRINGS + FIXED;
    if (this.end + worst > this.bytes.length) this.grow(this.end + worst);
    let at = this.end;
    at = this.writeString(tokenId, at);
    at = this.writeString(tokenName, at);
    at = this.writeString(method, at);
    at = this.writeString(path, at);
    at = this.writeString(ip, at);
    at = this.writeString(userAgent, at);
    this.view.setUint16(at, entry.status, true);
    this.view.setFloat64(at + 2, entry.durationMs, true);
    this.view.setFloat64(at + 10, entry.createdAt.getTime(), true);
    this.end = at + FIXED;
    this.count++;
  }

  /** Drops the `rows` oldest rows. */
  dropFront(rows: number): void {
    const n = Math.min(rows, this.count);
    let at = this.start;
    for (let row = 0; row < n; row++) {
      for (let s = 0; s < STRINGS; s++) at += 2 + this.view.getUint16(at, true);
      at += FIXED;
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
 * again, which is a native call a field (about 0.4 µs a row of the worker's time in six).
 */
export function decodeRows(payload: Uint8Array): LogRow[] {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const rows: LogRow[] = [];
  // Per field: where the previous row's bytes start, how many, and their string.
  const previousStart = [0, 0, 0, 0, 0, 0];
  const previousLength = [-1, -1, -1, -1, -1, -1];
  const previousValue = ['', '', '', '', '', ''];
  let at = 0;
  const string = (field: number): string => {
    const length = view.getUint16(at, true);
    const start = at + 2;
    at = start + length;
    if (length === previousLength[field]) {
      const before = previousStart[field]!;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[start + i] !== bytes[before + i]) {
          same = false;
          break;
        }
      }
      previousStart[field] = start;
      if (same) return previousValue[field]!;
    }
    const value = bytes.toString('utf8', start, start + length);
    previousStart[field] = start;
    previousLength[field] = length;
    previousValue[field] = value;
    return value;
  };
  while (at < bytes.length) {
    const tokenId = string(0);
    const tokenName = string(1);
    const method = string(2);
    const path = string(3);
    const ip = string(4);
    const userAgent = string(5);
    const status = view.getUint16(at, true);
    const durationMs = view.getFloat64(at + 2, true);
    const createdAt = view.getFloat64(at + 10, true);
    at += FIXED;
    rows.push([tokenId, tokenName, method, path, status, ip, userAgent, durationMs, createdAt]);
  }
  return rows;
}
