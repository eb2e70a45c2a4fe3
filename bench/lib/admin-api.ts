// The admin screens' JSON API as a browser calls it, for figure 5: sign in, then time one screen's
// call (30 calls after 2 warm-up calls) and report p50 / p95 / max against a 300 ms target.
import { SEEDED_SIGN_INS } from '../../example-app/src/seed.js';
import { percentile, type Figure } from './report.js';

export const CALLS = 30;
export const TARGET_MS = 300;
export const ADMIN_API = '/admin/api/resources';

/** Signs in through the login form; returns the session cookie. */
export async function signIn(baseUrl: string, { email, password }: { email: string; password: string } = SEEDED_SIGN_INS[0]): Promise<string> {
  const res = await fetch(`${baseUrl}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('adminjs='));
  if (res.status !== 302 || !cookie) throw new Error(`sign-in failed: ${res.status}`);
  return cookie.split(';', 1)[0]!;
}

/** What one answer held: a list's records and total, or what a screen's own check says. */
export interface Answer {
  records: number;
  total: number;
  /** The list said its total is the database's estimate. */
  estimated?: boolean;
}

/** How far an estimated total may be from the exact count for a figure to pass. */
export const ESTIMATE_TOLERANCE = 0.1;

export interface Timing extends Answer {
  p50: number;
  p95: number;
  max: number;
}

type Body = { records?: unknown[]; meta?: { total?: number; totalIsEstimate?: boolean }; notice?: { message?: string; type?: string } } & Record<
  string,
  unknown
>;

/** A list answer must hold records; other screens pass their own check. */
export const listAnswer = (body: Body): Answer | null =>
  Array.isArray(body.records) && body.records.length > 0
    ? { records: body.records.length, total: body.meta?.total ?? -1, estimated: body.meta?.totalIsEstimate === true }
    : null;

export async function timeCalls(baseUrl: string, cookie: string, path: string, check: (body: Body) => Answer | null = listAnswer): Promise<Timing> {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${path}`, { headers: { cookie, accept: 'application/json' } });
    const body = (await res.json()) as Body;
    const ms = performance.now() - started;
    const answer = res.status === 200 && body.notice?.type !== 'error' ? check(body) : null;
    if (!answer) throw new Error(`${path}: HTTP ${res.status}, ${body.records?.length ?? 'no'} records ${body.notice?.message ?? ''}`);
    return { ms, ...answer };
  };
  await once();
  await once();
  const runs = [];
  for (let i = 0; i < CALLS; i++) runs.push(await once());
  const ms = runs.map((r) => r.ms);
  return {
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    max: Math.max(...ms),
    records: runs[0]!.records,
    total: runs[0]!.total,
    estimated: runs[0]!.estimated,
  };
}

/** Whether a screen's total is the expected one: exactly, or within ESTIMATE_TOLERANCE where the screen says it estimated. */
function totalHolds(t: Timing, expected: number | undefined): boolean {
  if (expected === undefined) return true;
  return t.estimated ? Math.abs(t.total - expected) <= expected * ESTIMATE_TOLERANCE : t.total === expected;
}

/** The figure of one timed screen, beside the baseline (the host's own 2-row user list). */
export function screenFigure(name: string, path: string, t: Timing, baseline: Timing, expectedTotal?: number): Figure {
  return {
    name,
    value: t.p95,
    baseline: baseline.p95,
    unit: 'ms',
    baselineLabel: 'AdminUser list, 2 rows',
    ratio: t.p95 / baseline.p95,
    target: `p95 < ${TARGET_MS} ms`,
    pass: t.p95 < TARGET_MS && totalHolds(t, expectedTotal),
    notes: [
      `${name.split(' ')[0]}: p50 ${t.p50.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms, max ${t.max.toFixed(0)} ms over ${CALLS} calls; ${t.records} records of ${t.estimated ? `about ${t.total} (estimated; ${expectedTotal ?? 'no'} counted)` : t.total}; GET ${path}`,
    ],
  };
}

/** A token's traffic chart answers with its days (30 or 90) and totals. */
export const usageAnswer =
  (days: number) =>
  (body: Body): Answer | null => {
    const usage = body.usage as { days?: unknown[]; totals?: { requests?: number } } | undefined;
    return usage?.days?.length === days ? { records: days, total: usage.totals?.requests ?? -1 } : null;
  };

/** The overview answers with its counts and 30 days of traffic. */
export const overviewAnswer = (body: Body): Answer | null => {
  const overview = body.overview as { counts?: Record<string, number>; traffic?: unknown[]; topByTraffic?: unknown[] } | undefined;
  if (!overview?.counts || overview.traffic?.length !== 30 || !overview.topByTraffic?.length) return null;
  return { records: overview.topByTraffic.length, total: Object.values(overview.counts).reduce((a, b) => a + b, 0) };
};
