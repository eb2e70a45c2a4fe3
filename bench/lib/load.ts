import autocannon, { type Request, type Result } from 'autocannon';
import type { ServerProcess } from './server-process.js';

export interface LoadOptions {
  url: string;
  /** Seconds; every run is bounded in time or in requests. */
  duration?: number;
  amount?: number;
  connections?: number;
  requests?: Request[];
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Completed responses per second, over the whole run. */
  rps: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p99Ms: number;
  /** The server's CPU per response over the run, µs: its event-loop thread and all its other threads. */
  cpu?: { main: number; other: number };
  /** Share of the run's time the server's event loop was busy: near 1 when the server, not the load generator, sets the pace. */
  busy?: number;
}

export const CONNECTIONS = 16;

/** One autocannon run on loopback. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result: Result = await autocannon({
    url: options.url,
    connections: options.connections ?? CONNECTIONS,
    timeout: 10,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
    ...(options.requests ? { requests: options.requests } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const seconds = result.duration;
  return {
    rps: result.requests.total / seconds,
    total: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p99Ms: result.latency.p99,
  };
}

/** Runs a load and adds the server's CPU per response over it (where /proc is available). */
export async function withServerCpu(server: ServerProcess, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = await server.stats();
  const result = await run();
  const after = await server.stats();
  if (before.threads && after.threads && result.total > 0) {
    result.cpu = { main: (after.threads.main - before.threads.main) / result.total, other: (after.threads.other - before.threads.other) / result.total };
  }
  if (before.eventLoop && after.eventLoop) {
    const active = after.eventLoop.active - before.eventLoop.active;
    const idle = after.eventLoop.idle - before.eventLoop.idle;
    if (active + idle > 0) result.busy = active / (active + idle);
  }
  return result;
}

/** "main 71 + other 7 µs" over runs, medians; '' when not measured. */
export function cpuSummary(runs: LoadResult[]): string {
  const measured = runs.flatMap((r) => (r.cpu ? [r.cpu] : []));
  if (measured.length === 0) return '';
  const busy = runs.flatMap((r) => (r.busy === undefined ? [] : [r.busy]));
  const utilisation = busy.length > 0 ? `, event loop busy ${(median(busy) * 100).toFixed(0)}% of the time` : '';
  return `event loop ${median(measured.map((c) => c.main)).toFixed(0)} + other threads ${median(measured.map((c) => c.other)).toFixed(0)} µs${utilisation}`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Comparison {
  baseline: LoadResult[];
  subject: LoadResult[];
  baselineRps: number;
  subjectRps: number;
  /** Median of the per-round ratios: each round's pair ran back to back, under the same noise. */
  ratio: number;
}

/**
 * Runs baseline and subject in alternating order (ABBA…) for several short rounds after a warm-up
 * of each, so that drift and the neighbours' load hit both alike; reports medians.
 */
export async function compare(
  baseline: () => Promise<LoadResult>,
  subject: () => Promise<LoadResult>,
  rounds: number,
  warmUp: () => Promise<void>,
): Promise<Comparison> {
  await warmUp();
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(await baseline());
      b.push(await subject());
    } else {
      b.push(await subject());
      a.push(await baseline());
    }
    ratios.push(b[round]!.rps / a[round]!.rps);
  }
  return { baseline: a, subject: b, baselineRps: median(a.map((r) => r.rps)), subjectRps: median(b.map((r) => r.rps)), ratio: median(ratios) };
}
