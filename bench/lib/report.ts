/** One line of the results table. */
export interface Figure {
  /** Which of the figures this is, e.g. "1 API throughput". */
  name: string;
  value: number;
  baseline: number | null;
  unit: string;
  /** What the baseline is, in a few words. */
  baselineLabel: string;
  /** value / baseline, when a ratio means something. */
  ratio: number | null;
  target: string;
  pass: boolean;
  /** Extra facts shown under the table (round results, counts). */
  notes?: string[];
}

function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${text} ${unit}` : text;
}

export function row(figure: Figure): string[] {
  return [
    figure.name,
    formatNumber(figure.value, figure.unit),
    figure.baseline === null ? '—' : `${formatNumber(figure.baseline, figure.unit)} (${figure.baselineLabel})`,
    figure.ratio === null ? '—' : figure.ratio.toFixed(3),
    figure.target,
    figure.pass ? 'pass' : 'FAIL',
  ];
}

const HEADER = ['figure', 'value', 'baseline', 'ratio', 'target', 'result'];

/** The table for a terminal: aligned columns. */
export function textTable(figures: Figure[]): string {
  const rows = [HEADER, ...figures.map(row)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The same table in Markdown, for the README. */
export function markdownTable(figures: Figure[]): string {
  const rows = figures.map(row);
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A figure that could not be measured: it fails, with the reason. */
export function failedFigure(name: string, target: string, error: unknown): Figure {
  return {
    name,
    value: Number.NaN,
    baseline: null,
    unit: '',
    baselineLabel: '',
    ratio: null,
    target,
    pass: false,
    notes: [`${name}: could not be measured: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`],
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const log = (message: string): void => {
  process.stdout.write(`[bench] ${message}\n`);
};
