import React from 'react';
import { Badge, Box, Text, ValueGroup } from '@adminjs/design-system';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';
import { formatDuration, formatIp } from './format';
import When from './When';

/**
 * How a property is shown, set by the resource as `custom: { kind, ... }`:
 * - when: a moment ("in 29 days" with `relative`, else "5 Dec 2026, 08:35 UTC"), the exact time on hover
 * - status: the token's status as a coloured badge
 * - ip: a client address (IPv4 mapped into IPv6 shown as IPv4)
 * - ipRanges: allowed IP ranges ("Any address" when none)
 * - list: several values (an array or comma-separated text), as badges on the detail page
 * - label: a code shown by its label from the property's availableValues (audit actions)
 * - duration: milliseconds as "12 ms"
 * - id: a long id, shortened in lists (the full id on hover)
 * - text: plain text
 * `empty` says what a missing value means ("Never used", "Any address", "None").
 */
export interface ValueOptions {
  kind?: 'when' | 'status' | 'ip' | 'ipRanges' | 'list' | 'label' | 'duration' | 'id' | 'text';
  relative?: boolean;
  empty?: string;
  /** In lists: the widest the value may grow before it is cut with an ellipsis (the whole value on hover). */
  maxWidth?: number;
  monospace?: boolean;
  /** How several values are joined in the record's text: ", " (default) or " " (scopes). */
  separator?: string;
}

const STATUS: Record<string, { label: string; variant: 'success' | 'danger' | 'secondary' }> = {
  active: { label: 'Active', variant: 'success' },
  expired: { label: 'Expired', variant: 'danger' },
  disabled: { label: 'Disabled', variant: 'secondary' },
};

function listOf(params: Record<string, unknown>, path: string, separator = ', '): string[] {
  const raw = flat.get(params as never, path) as unknown;
  if (Array.isArray(raw)) return raw.map(String).filter(Boolean);
  if (typeof raw === 'string') return raw.split(separator.trim() === '' ? /\s+/ : /,\s*/).filter(Boolean);
  return [];
}

/** One line in a list cell: cut with an ellipsis past `maxWidth`, the whole text on hover. */
export const OneLine: React.FC<{ text: string; maxWidth?: number; muted?: boolean; monospace?: boolean; children?: React.ReactNode }> = ({
  text,
  maxWidth,
  muted,
  monospace,
  children,
}) => (
  <span
    title={text}
    data-truncate=""
    style={{
      display: 'inline-block',
      verticalAlign: 'middle',
      maxWidth: maxWidth ?? 320,
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
      ...(muted ? { opacity: 0.65 } : {}),
      ...(monospace ? { fontFamily: 'monospace' } : {}),
    }}
  >
    {children ?? text}
  </span>
);

function renderValue({ property, record, where }: BasePropertyProps): React.ReactElement {
  const options = (property.custom ?? {}) as ValueOptions;
  const params = (record?.params ?? {}) as Record<string, unknown>;
  const value = params[property.path];
  const isList = where === 'list';
  const empty = options.empty ?? '—';
  const missing = value === null || value === undefined || value === '';

  switch (options.kind) {
    case 'when':
      return <When value={value} relative={isList && options.relative} both={!isList && options.relative} empty={empty} />;
    case 'status': {
      const status = STATUS[String(value)] ?? { label: String(value ?? ''), variant: 'secondary' as const };
      return (
        <Badge variant={status.variant} data-testid="token-status" style={{ whiteSpace: 'nowrap' }}>
          {status.label}
        </Badge>
      );
    }
    case 'ip':
      return missing ? <OneLine text={empty} muted /> : <OneLine text={formatIp(value)} monospace />;
    case 'ipRanges': {
      const ranges = listOf(params, property.path);
      if (ranges.length === 0) return <OneLine text={options.empty ?? 'Any address'} muted />;
      return <OneLine text={ranges.join(', ')} maxWidth={isList ? options.maxWidth : 10_000} monospace />;
    }
    case 'list': {
      const items = listOf(params, property.path, options.separator);
      if (items.length === 0) return <OneLine text={empty} muted />;
      if (isList) return <OneLine text={items.join(', ')} maxWidth={options.maxWidth} />;
      return (
        <Box flex flexWrap="wrap" style={{ gap: 6 }}>
          {items.map((item) => (
            <Badge key={item} variant="default" outline style={options.monospace ? { fontFamily: 'monospace' } : undefined}>
              {item}
            </Badge>
          ))}
        </Box>
      );
    }
    case 'label': {
      const label = property.availableValues?.find((v) => v.value === String(value))?.label ?? String(value ?? '');
      return <OneLine text={label} maxWidth={isList ? options.maxWidth : 10_000} />;
    }
    case 'duration':
      return <OneLine text={formatDuration(value)} />;
    case 'id': {
      const id = String(value ?? '');
      return (
        <code title={id} style={{ whiteSpace: 'nowrap' }}>
          {isList && id.length > 10 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id}
        </code>
      );
    }
    default:
      if (missing) return <OneLine text={empty} muted />;
      return isList ? (
        <OneLine text={String(value)} maxWidth={options.maxWidth} monospace={options.monospace} />
      ) : (
        <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', ...(options.monospace ? { fontFamily: 'monospace' } : {}) }}>{String(value)}</Text>
      );
  }
}

/** On the detail page a property component draws its own label. */
const Value: React.FC<BasePropertyProps> = (props) => {
  const { translateProperty } = useTranslation();
  if (props.where !== 'show') return renderValue(props);
  return <ValueGroup label={translateProperty(props.property.label, props.resource.id)}>{renderValue(props)}</ValueGroup>;
};

export default Value;
