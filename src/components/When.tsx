import React from 'react';
import { formatDateTime, formatExact, formatRelative, toDate } from './format';

/**
 * A moment in time as every API Access screen writes it: relative ("in 29 days") or absolute
 * ("5 Dec 2026, 08:35 UTC"), with the exact time, zone named, on hover.
 */
const When: React.FC<{ value: unknown; relative?: boolean; both?: boolean; empty?: string; testId?: string }> = ({
  value,
  relative = false,
  both = false,
  empty = '',
  testId,
}) => {
  const date = toDate(value);
  if (!date) return <span data-testid={testId}>{empty}</span>;
  const absolute = formatDateTime(date);
  const text = both ? `${formatRelative(date)} · ${absolute}` : relative ? formatRelative(date) : absolute;
  return (
    <time dateTime={date.toISOString()} title={formatExact(date)} data-testid={testId} style={{ whiteSpace: 'nowrap' }}>
      {text}
    </time>
  );
};

export default When;
