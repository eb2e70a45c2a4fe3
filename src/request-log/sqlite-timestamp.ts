/**
 * A time as Prisma's SQLite adapter stores a DateTime with timestampFormat 'iso8601':
 * `2026-11-23T20:01:02.345+00:00` (toISOString with the offset written out).
 *
 * The request-log worker formats one a row. Rows arrive in time order, many to a second, so the
 * text up to the second is kept and only the milliseconds are written (toISOString and replace
 * cost about 0.3 µs a row). Times outside years 0000-9999, which toISOString writes with six
 * digits and a sign, are formatted in full.
 */
export class SqliteIsoTimestamps {
  private second = NaN;
  /** `YYYY-MM-DDTHH:MM:SS.` of `second`. */
  private head = '';

  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      const iso = new Date(second * 1000).toISOString();
      if (iso.length !== 24) return new Date(ms).toISOString().replace('Z', '+00:00');
      this.second = second;
      this.head = iso.slice(0, 20);
    }
    const millis = ms - second * 1000;
    return `${this.head}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}+00:00`;
  }
}
