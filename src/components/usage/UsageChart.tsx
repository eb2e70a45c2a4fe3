import React, { useId, useState } from 'react';
import { Box, Text } from '@adminjs/design-system';
import { dayTotal, formatCount, formatMs, formatRate, OUTCOMES, shortDay, type UsageDay, type UsageTotals } from './types';

const WIDTH = 760;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 46, left: 60 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** A round top for the y axis and its step: 0, step, 2·step … ≥ max (steps of 1, 2, 2.5 or 5 × 10ⁿ). */
function scale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 4, step: 1 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough && Number.isInteger(s)) ?? Math.ceil(rough);
  return { top: Math.ceil(max / step) * step, step };
}

/** Totals of the days, where the server sent none (latencies unknown). */
export function totalsOf(days: UsageDay[]): UsageTotals {
  const totals = { requests: 0, errorRate: 0, p50Ms: null, p95Ms: null } as UsageTotals;
  for (const { key } of OUTCOMES) totals[key] = days.reduce((sum, d) => sum + d[key], 0);
  totals.requests = OUTCOMES.reduce((sum, o) => sum + totals[o.key], 0);
  totals.errorRate = totals.requests === 0 ? 0 : (totals.clientError + totals.serverError + totals.refused) / totals.requests;
  return totals;
}

/** The chart told in words: what a screen reader reads, and what anyone can check a bar against. */
export function usageSummary(days: UsageDay[], totals: UsageTotals, showLatency: boolean): string {
  if (days.length === 0) return 'No days to show.';
  const period = `${shortDay(days[0]!.day)} to ${shortDay(days[days.length - 1]!.day)} (UTC)`;
  if (totals.requests === 0) return `No requests from ${period}.`;
  const busiest = days.reduce((a, b) => (dayTotal(b) > dayTotal(a) ? b : a));
  const parts = OUTCOMES.filter((o) => totals[o.key] > 0).map((o) => `${formatCount(totals[o.key])} ${o.label.toLowerCase()}`);
  const latency = showLatency ? ` Median time ${formatMs(totals.p50Ms)}, 95th percentile ${formatMs(totals.p95Ms)}.` : '';
  return (
    `${formatCount(totals.requests)} requests from ${period}: ${parts.join(', ')}. ` +
    `Error rate ${formatRate(totals.errorRate)}.${latency} Busiest day ${shortDay(busiest.day)} with ${formatCount(dayTotal(busiest))} requests.`
  );
}

/**
 * Requests per day, stacked by outcome, as plain SVG: a title, both axes labelled, a legend with
 * each outcome's total, the chart in words below it, and a tooltip per day (hover, or focus
 * with the keyboard).
 */
const UsageChart: React.FC<{ title: string; days: UsageDay[]; totals?: UsageTotals; testId?: string }> = ({
  title,
  days,
  totals: given,
  testId = 'usage-chart',
}) => {
  const id = useId().replace(/:/g, '');
  const [hovered, setHovered] = useState<number | null>(null);
  const totals = given ?? totalsOf(days);
  const { top, step } = scale(Math.max(0, ...days.map(dayTotal)));
  const y = (value: number) => MARGIN.top + PLOT_H - (value / top) * PLOT_H;
  const band = PLOT_W / Math.max(1, days.length);
  const gap = Math.min(4, band * 0.25);
  const labelEvery = days.length > 45 ? 15 : days.length > 14 ? 5 : 1;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const summary = usageSummary(days, totals, given !== undefined);
  const shown = hovered === null ? null : days[hovered];

  return (
    <Box data-testid={testId}>
      <Text as="h4" id={`${id}-title`} fontWeight="bold" mb="sm">
        {title}
      </Text>
      <Box style={{ position: 'relative' }}>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          width="100%"
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          style={{ display: 'block', maxWidth: WIDTH, fontFamily: 'inherit' }}
          onMouseLeave={() => setHovered(null)}
        >
          <title>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {ticks.map((tick) => (
            <g key={tick}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} stroke="#E4E6EA" />
              <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end" fontSize="11" fill="#6F7585">
                {formatCount(tick)}
              </text>
            </g>
          ))}
          <text
            transform={`translate(14 ${MARGIN.top + PLOT_H / 2}) rotate(-90)`}
            textAnchor="middle"
            fontSize="11"
            fill="#454655"
            data-testid={`${testId}-y-label`}
          >
            Requests per day
          </text>
          <text x={MARGIN.left + PLOT_W / 2} y={HEIGHT - 4} textAnchor="middle" fontSize="11" fill="#454655" data-testid={`${testId}-x-label`}>
            Day (UTC)
          </text>
          {days.map((day, i) => {
            const x = MARGIN.left + i * band;
            let base = 0;
            const total = dayTotal(day);
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: a day's bar takes hover and focus only to show its figures, which its aria-label also gives
              <g
                key={day.day}
                data-testid={`${testId}-day-${day.day}`}
                data-total={total}
                tabIndex={0}
                aria-label={`${day.day}: ${formatCount(total)} requests`}
                onMouseEnter={() => setHovered(i)}
                onFocus={() => setHovered(i)}
                onBlur={() => setHovered(null)}
                style={{ outline: 'none' }}
              >
                <rect x={x} y={MARGIN.top} width={band} height={PLOT_H} fill={hovered === i ? '#F2F4F7' : 'transparent'} />
                {OUTCOMES.map(({ key, color }) => {
                  const value = day[key];
                  if (value === 0) return null;
                  const rect = (
                    <rect key={key} x={x + gap / 2} width={Math.max(1, band - gap)} y={y(base + value)} height={y(base) - y(base + value)} fill={color} />
                  );
                  base += value;
                  return rect;
                })}
                {i % labelEvery === 0 || (i === days.length - 1 && i % labelEvery >= labelEvery / 2) ? (
                  <text x={x + band / 2} y={MARGIN.top + PLOT_H + 16} textAnchor="middle" fontSize="11" fill="#6F7585">
                    {shortDay(day.day)}
                  </text>
                ) : null}
              </g>
            );
          })}
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} stroke="#9AA3AD" />
        </svg>
        {shown ? (
          <Box
            data-testid={`${testId}-tooltip`}
            role="status"
            bg="white"
            p="default"
            style={{
              position: 'absolute',
              top: 0,
              left: `${Math.min(70, ((MARGIN.left + (hovered! + 1) * band) / WIDTH) * 100)}%`,
              pointerEvents: 'none',
              boxShadow: '0 2px 8px rgba(0,0,0,0.15)',
              borderRadius: 4,
              minWidth: 200,
            }}
          >
            <Text fontWeight="bold" mb="sm">
              {shortDay(shown.day)} · {formatCount(dayTotal(shown))} requests
            </Text>
            {OUTCOMES.map(({ key, label, color }) => (
              <Text key={key} variant="sm" style={{ display: 'flex', alignItems: 'center' }}>
                <span style={{ display: 'inline-block', width: 10, height: 10, background: color, marginRight: 6, borderRadius: 2 }} />
                {label}: {formatCount(shown[key])}
              </Text>
            ))}
          </Box>
        ) : null}
      </Box>
      <Box
        as="ul"
        flex
        flexDirection="row"
        flexWrap="wrap"
        mt="default"
        style={{ listStyle: 'none', padding: 0, gap: '4px 16px' }}
        data-testid={`${testId}-legend`}
      >
        {OUTCOMES.map(({ key, label, color }) => (
          <Text as="li" key={key} variant="sm" style={{ display: 'flex', alignItems: 'center' }}>
            <span aria-hidden style={{ display: 'inline-block', width: 12, height: 12, background: color, marginRight: 6, borderRadius: 2 }} />
            {label}: <strong style={{ marginLeft: 4 }}>{formatCount(totals[key])}</strong>
          </Text>
        ))}
      </Box>
      <Text variant="sm" color="grey60" mt="default" data-testid={`${testId}-summary`}>
        {summary}
      </Text>
    </Box>
  );
};

export default UsageChart;
