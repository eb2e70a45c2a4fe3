/**
 * How every API Access screen writes dates, times, addresses and durations: one format, in the
 * admin's own time zone, named ("5 Dec 2026, 08:35 UTC"), and relative where a distance in time
 * is what matters ("in 29 days", "3 hours ago") with the exact time on hover.
 */

const ABSOLUTE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZoneName: 'short',
});

const EXACT = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZoneName: 'long',
});

const DAY_ONLY = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** The admin's time zone as the browser knows it, e.g. "Europe/Berlin". */
export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "5 Dec 2026, 08:35 UTC". */
export function formatDateTime(date: Date): string {
  return ABSOLUTE.format(date);
}

/** "Saturday, 5 December 2026 at 08:35:12 Coordinated Universal Time": for tooltips. */
export function formatExact(date: Date): string {
  return EXACT.format(date);
}

/** "Sat, 5 Dec 2026". */
export function formatDay(date: Date): string {
  return DAY_ONLY.format(date);
}

const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 29 days", "3 hours ago", "just now". */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const diff = date.getTime() - now.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  for (const [unit, ms] of STEPS) {
    // Up to 45 days count in days, so "in 30 days" reads as the preset it came from.
    const threshold = unit === 'month' ? 45 * 86_400_000 : unit === 'year' ? 365 * 86_400_000 : ms;
    if (abs >= threshold) return RELATIVE.format(Math.round(diff / ms), unit);
  }
  return RELATIVE.format(Math.round(diff / 60_000), 'minute');
}

/** A client address as a person reads it: IPv4 written as IPv4 even when the server saw it mapped into IPv6. */
export function formatIp(value: unknown): string {
  const text = String(value ?? '').trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  return mapped ? mapped[1]! : text;
}

/** "12 ms", "1.4 s". */
export function formatDuration(ms: unknown): string {
  const value = Number(ms);
  if (!Number.isFinite(value)) return '';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** The end of a chosen day (YYYY-MM-DD), or the chosen time on it (HH:MM), in the admin's zone. */
export function endOfDayLocal(day: string, time?: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [hours, minutes] = time && /^\d{2}:\d{2}$/.test(time) ? (time.split(':').map(Number) as [number, number]) : [23, 59];
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), hours, minutes, time ? 0 : 59, time ? 0 : 999);
  return date.getDate() === Number(match[3]) ? date : null;
}

/** A preset's length as a person says it: "1 month", "6 months", "1 year", "2 years", "45 days". */
export function presetLabel(days: number): string {
  if (days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  if (days % 30 === 0 && days < 365) return days === 30 ? '1 month' : `${days / 30} months`;
  if (days % 7 === 0 && days < 30) return days === 7 ? '1 week' : `${days / 7} weeks`;
  return days === 1 ? '1 day' : `${days} days`;
}
