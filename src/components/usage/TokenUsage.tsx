import React, { useEffect, useState } from 'react';
import { Box, Button, Loader, MessageBox, Text, ValueGroup } from '@adminjs/design-system';
import { ApiClient, type BasePropertyProps } from 'adminjs';
import UsageChart from './UsageChart';
import { formatCount, formatMs, formatRate, type TokenUsage as Usage } from './types';

const api = new ApiClient();
const PERIODS = [30, 90] as const;

const Figure: React.FC<{ label: string; value: string; testId: string }> = ({ label, value, testId }) => (
  <Box mr="xxl" mb="default">
    <Text variant="sm" color="grey60">
      {label}
    </Text>
    <Text fontSize="xl" fontWeight="bold" data-testid={testId}>
      {value}
    </Text>
  </Box>
);

/**
 * The token detail page's traffic: requests per day over the last 30 or 90 days, stacked by
 * outcome, with totals, error rate and latency, from the token's `usage` action.
 */
const TokenUsage: React.FC<BasePropertyProps> = ({ record, resource, property }) => {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const [loaded, setLoaded] = useState<{ days: number; usage: Usage } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const recordId = String(record?.id ?? '');

  useEffect(() => {
    if (!recordId) return undefined;
    let current = true;
    setError(null);
    api.recordAction({ resourceId: resource.id, recordId, actionName: 'usage', params: { days } }).then(
      (response) => {
        if (!current) return;
        const data = response.data as { usage?: Usage; notice?: { message: string } };
        if (data.usage) setLoaded({ days, usage: data.usage });
        else setError(data.notice?.message ?? 'The traffic of this token could not be loaded.');
      },
      () => current && setError('The traffic of this token could not be loaded. Reload the page to try again.'),
    );
    return () => {
      current = false;
    };
  }, [resource.id, recordId, days]);

  return (
    <ValueGroup label={property.label === 'usage' ? 'Traffic' : property.label}>
      <Box data-testid="token-usage" data-days={loaded?.days} mt="sm">
        <Box flex flexDirection="row" alignItems="center" mb="lg" role="group" aria-label="Period">
          {PERIODS.map((d) => (
            <Button
              key={d}
              type="button"
              size="sm"
              mr="sm"
              variant={d === days ? 'contained' : 'outlined'}
              aria-pressed={d === days}
              data-testid={`usage-period-${d}`}
              onClick={() => setDays(d)}
            >
              Last {d} days
            </Button>
          ))}
        </Box>
        {error ? <MessageBox variant="danger" message={error} /> : null}
        {loaded?.days !== days && !error ? <Loader /> : null}
        {loaded ? (
          <>
            <Box flex flexDirection="row" flexWrap="wrap">
              <Figure label="Requests" value={formatCount(loaded.usage.totals.requests)} testId="usage-total-requests" />
              <Figure label="Error rate" value={formatRate(loaded.usage.totals.errorRate)} testId="usage-error-rate" />
              <Figure label="Median time (p50)" value={formatMs(loaded.usage.totals.p50Ms)} testId="usage-p50" />
              <Figure label="95th percentile (p95)" value={formatMs(loaded.usage.totals.p95Ms)} testId="usage-p95" />
            </Box>
            <UsageChart title={`Requests per day, last ${loaded.days} days`} days={loaded.usage.days} totals={loaded.usage.totals} />
          </>
        ) : null}
      </Box>
    </ValueGroup>
  );
};

export default TokenUsage;
