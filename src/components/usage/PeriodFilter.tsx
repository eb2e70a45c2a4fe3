import React, { useState } from 'react';
import { Box, DatePicker, FormGroup, Label, Select } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

type Option = { value: string; label: string };
type Period = { last?: string; from?: string; to?: string };

const ANY: Option = { value: '', label: 'Any time' };
const CUSTOM: Option = { value: 'custom', label: 'Custom range…' };

/** The period as the filter holds it: one object (one change at a time is all the drawer keeps), or a range in AdminJS's own form. */
function periodOf(filter: Record<string, unknown> | undefined, path: string): Period {
  const value = filter?.[path];
  if (value && typeof value === 'object') return value as Period;
  const from = filter?.[`${path}~~from`];
  const to = filter?.[`${path}~~to`];
  return { ...(typeof from === 'string' ? { from } : {}), ...(typeof to === 'string' ? { to } : {}) };
}

/**
 * The request logs' period: last hour, 24 hours, 7, 30 or 90 days (counted back from the
 * server's now when the list loads, so a saved link stays relative), or a custom range of two
 * dates. The ready-made periods come from the server with the property (`custom.periods`).
 */
const PeriodFilter: React.FC<BasePropertyProps> = ({ property, filter, onChange }) => {
  const { translateProperty } = useTranslation();
  const periods = ((property.custom as { periods?: Option[] } | undefined)?.periods ?? []) as Option[];
  const options = [ANY, ...periods, CUSTOM];
  const period = periodOf(filter, property.path);
  const [customChosen, setCustomChosen] = useState(false);
  const isCustom = customChosen || Boolean(period.from || period.to);
  const selected = period.last ? (periods.find((p) => p.value === period.last) ?? ANY) : isCustom ? CUSTOM : ANY;
  const set = (next: Period | undefined) => onChange?.(property.path, next as never);

  const choose = (choice: Option | null) => {
    const value = choice?.value ?? '';
    setCustomChosen(value === CUSTOM.value);
    if (value === CUSTOM.value) set(period.from || period.to ? { from: period.from, to: period.to } : {});
    else set(value ? { last: value } : undefined);
  };
  const setBound = (bound: 'from' | 'to', date: string | null) => {
    const next: Period = { from: period.from, to: period.to, [bound]: date ?? undefined };
    set(next.from || next.to ? next : {});
  };

  return (
    <FormGroup variant="filter" data-testid="period-filter">
      <Label>{translateProperty(property.label, property.resourceId)}</Label>
      <Select variant="filter" value={selected} options={options} onChange={choose} inputId="period-filter-choice" />
      {isCustom && !period.last ? (
        <Box mt="default" data-testid="period-filter-range">
          <Label mt="default">From</Label>
          <DatePicker value={period.from ?? ''} propertyType="datetime" onChange={(date) => setBound('from', date)} />
          <Label mt="default">To</Label>
          <DatePicker value={period.to ?? ''} propertyType="datetime" onChange={(date) => setBound('to', date)} />
        </Box>
      ) : null}
    </FormGroup>
  );
};

export default PeriodFilter;
