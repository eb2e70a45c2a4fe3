// `npm run bench`: every figure, each beside its baseline, measured in one run on loopback.
// Exits non-zero when a target is missed. Some of them: `npm run bench -- throughput churn-pg`,
// or BENCH_FIGURES=throughput,churn-pg (keys below; -pg: on a throw-away PostgreSQL cluster).
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { stopBenchCluster } from './lib/postgres.js';
import { failedFigure, log, markdownTable, textTable, type Figure } from './lib/report.js';

interface Module {
  key: string;
  name: string;
  target: string;
  run: () => Promise<Figure[]>;
}

/** The longest a whole `npm run bench` may take. */
const MAX_MINUTES = 25;

const MODULES: Module[] = [
  { key: 'throughput', name: '1 API throughput', target: 'ratio ≥ 0.90', run: async () => (await import('./throughput.js')).run('sqlite') },
  { key: 'churn', name: '3 churn', target: 'ratio ≥ 0.80', run: async () => (await import('./churn.js')).run('sqlite') },
  { key: 'logs', name: '4 request-log rows', target: 'rows = requests = rollup counts', run: async () => (await import('./log-loss.js')).run('sqlite') },
  { key: 'admin', name: '5 admin screens at scale', target: 'p95 < 300 ms', run: async () => (await import('./admin-scale.js')).run() },
  {
    key: 'verification',
    name: '2 verification in-process',
    target: 'warm p99 < 50 µs, cold p99 < 2 ms, 0 statements',
    run: async () => (await import('./verification.js')).run(),
  },
  { key: 'throughput-pg', name: '1 API throughput (PostgreSQL)', target: 'ratio ≥ 0.90', run: async () => (await import('./throughput.js')).run('postgres') },
  { key: 'churn-pg', name: '3 churn (PostgreSQL)', target: 'ratio ≥ 0.80', run: async () => (await import('./churn.js')).run('postgres') },
  {
    key: 'logs-pg',
    name: '4 request-log rows (PostgreSQL)',
    target: 'rows = requests = rollup counts',
    run: async () => (await import('./log-loss.js')).run('postgres'),
  },
  {
    key: 'admin-pg',
    name: '6 admin screens at scale (PostgreSQL), 7 retention',
    target: 'p95 < 300 ms; drop/delete < 0.10',
    run: async () => (await import('./admin-scale-pg.js')).run(),
  },
];

function machine(): string {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: keep os.cpus()
  }
  return `${os.availableParallelism()} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

const only = [
  ...process.argv.slice(2),
  ...(process.env.BENCH_FIGURES?.split(',')
    .map((k) => k.trim())
    .filter(Boolean) ?? []),
];
const unknown = only.filter((key) => !MODULES.some((m) => m.key === key));
if (unknown.length > 0) {
  console.error(`Unknown bench ${unknown.join(', ')}; choose from ${MODULES.map((m) => m.key).join(', ')}.`);
  process.exit(2);
}
const started = performance.now();
log(`machine: ${machine()}`);
const figures: Figure[] = [];
for (const module of MODULES) {
  if (only.length > 0 && !only.includes(module.key)) continue;
  log(`--- ${module.name}`);
  try {
    figures.push(...(await module.run()));
  } catch (error) {
    figures.push(failedFigure(module.name, module.target, error));
  }
}
await stopBenchCluster();
const minutes = (performance.now() - started) / 60_000;
console.log(`\n${textTable(figures)}\n`);
for (const note of figures.flatMap((f) => f.notes ?? [])) console.log(`  ${note}`);
console.log(`\nMarkdown:\n\n${markdownTable(figures)}\n`);
const failed = figures.filter((f) => !f.pass);
log(`machine: ${machine()}`);
log(
  `finished in ${minutes.toFixed(1)} min; ${failed.length === 0 ? 'every target met' : `${failed.length} target(s) missed: ${failed.map((f) => f.name).join('; ')}`}`,
);
// A whole run (20M rows loaded into PostgreSQL included) fits in this; past it, a figure got slow.
if (only.length === 0 && minutes >= MAX_MINUTES) log(`the run took ${minutes.toFixed(1)} min, more than the ${MAX_MINUTES} min a whole run is given`);
process.exit(failed.length === 0 && (only.length > 0 || minutes < MAX_MINUTES) ? 0 : 1);
