import React from 'react';
import { Box, CheckBox, FormGroup, FormMessage, Input, Label, Select, Text } from '@adminjs/design-system';
import type { ExpiryChoice, FormInfo } from './api';
import { endOfDayLocal, formatDateTime, formatExact, formatRelative, presetLabel, timeZoneName } from './format';

type Option = { value: string; label: string };

const DAY_MS = 86_400_000;

/** What the server takes: a preset, a moment (the end of the chosen day, or the chosen time, in the admin's zone), or never. */
export function expiryPayload(choice: ExpiryChoice): Record<string, unknown> {
  if (choice.type !== 'date') return choice;
  const at = endOfDayLocal(choice.date, choice.time);
  return { type: 'date', date: at ? at.toISOString() : choice.date };
}

/** The moment a choice leads to, or null (never, or no day chosen yet). */
function expiresAt(choice: ExpiryChoice, now: Date): Date | null {
  if (choice.type === 'days') return new Date(now.getTime() + choice.days * DAY_MS);
  if (choice.type === 'date') return endOfDayLocal(choice.date, choice.time);
  return null;
}

function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Expiry as a preset, a day (ending at its end, or at a chosen time), or never, as the policy allows. */
const ExpiryPicker: React.FC<{ form: FormInfo; value: ExpiryChoice; onChange: (v: ExpiryChoice) => void; error?: string }> = ({
  form,
  value,
  onChange,
  error,
}) => {
  const options: Option[] = [
    ...form.expiryPresetsDays.map((days) => ({ value: String(days), label: presetLabel(days) })),
    { value: 'date', label: 'On a date…' },
    ...(form.allowNeverExpires ? [{ value: 'never', label: 'No expiration' }] : []),
  ];
  const selectValue = value.type === 'days' ? String(value.days) : value.type;
  const now = new Date();
  const at = expiresAt(value, now);
  const maxDays = form.maxLifetimeDays ?? 36_500;
  const choose = (v: string) => {
    if (v === 'never') onChange({ type: 'never' });
    else if (v === 'date') onChange({ type: 'date', date: isoDay(new Date(now.getTime() + 30 * DAY_MS)) });
    else onChange({ type: 'days', days: Number(v) });
  };
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor="api-access-expiry" required>
        Expiry
      </Label>
      <Box data-testid="expiry-select" data-value={selectValue} style={{ maxWidth: 360 }}>
        <Select
          inputId="api-access-expiry"
          isClearable={false}
          isSearchable={false}
          value={options.find((o) => o.value === selectValue) ?? null}
          options={options}
          onChange={(choice: Option | null) => choice && choose(choice.value)}
        />
      </Box>
      {value.type === 'date' ? (
        <Box flex flexDirection="row" alignItems="center" mt="default" style={{ gap: 12, flexWrap: 'wrap' }}>
          <Input
            type="date"
            aria-label="Expiry day"
            data-testid="expiry-date"
            value={value.date}
            min={isoDay(now)}
            max={isoDay(new Date(now.getTime() + maxDays * DAY_MS))}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange({ ...value, date: e.target.value })}
          />
          <Box flex flexDirection="row" alignItems="center">
            <CheckBox
              id="api-access-expiry-time-on"
              data-testid="expiry-time-on"
              checked={value.time !== undefined}
              onChange={() => onChange(value.time === undefined ? { ...value, time: '09:00' } : { type: 'date', date: value.date })}
            />
            <Label inline htmlFor="api-access-expiry-time-on" ml="default" mb="0">
              At a time
            </Label>
          </Box>
          {value.time !== undefined ? (
            <Input
              type="time"
              aria-label="Expiry time"
              data-testid="expiry-time"
              value={value.time}
              onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange({ ...value, time: e.target.value })}
            />
          ) : null}
        </Box>
      ) : null}
      <Text mt="default" variant="sm" data-testid="expiry-result">
        {at ? (
          <>
            Expires <strong title={formatExact(at)}>{formatDateTime(at)}</strong> ({formatRelative(at, now)})
            {value.type === 'date' && value.time === undefined ? <>: the end of that day in your time zone ({timeZoneName()})</> : null}.
          </>
        ) : value.type === 'never' ? (
          'Never expires. Tokens without an expiry are a risk: prefer an expiry and rotation.'
        ) : (
          'Choose a day.'
        )}
      </Text>
      {error ? <FormMessage data-testid="error-expiry">{error}</FormMessage> : null}
    </FormGroup>
  );
};

export default ExpiryPicker;
