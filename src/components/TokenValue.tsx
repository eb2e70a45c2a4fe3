import React from 'react';
import { Badge, Text, ValueGroup } from '@adminjs/design-system';
import { useTranslation, type BasePropertyProps } from 'adminjs';

/**
 * How the token list and detail show a few values: ids short and unbroken (the full id on
 * hover), "Never" for a token without expiry, status as a coloured badge.
 */
function renderValue({ property, record, where }: BasePropertyProps): React.ReactElement {
  const value = record?.params?.[property.path];
  if (property.path === 'id') {
    const id = String(value ?? '');
    return (
      <code title={id} style={{ whiteSpace: 'nowrap' }}>
        {where === 'list' && id.length > 10 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id}
      </code>
    );
  }
  if (property.path === 'expiresAt') {
    if (!value) return <Text data-testid="expires-never">Never</Text>;
    return <Text style={{ whiteSpace: 'nowrap' }}>{new Date(String(value)).toLocaleString()}</Text>;
  }
  if (property.path === 'status') {
    const variant = value === 'active' ? 'success' : value === 'expired' ? 'danger' : 'secondary';
    const label = value === 'active' ? 'Active' : value === 'expired' ? 'Expired' : 'Disabled';
    return <Badge variant={variant} data-testid="token-status">{label}</Badge>;
  }
  return <Text>{String(value ?? '')}</Text>;
}

/** On the show page a property component draws its own label. */
const TokenValue: React.FC<BasePropertyProps> = (props) => {
  const { translateProperty } = useTranslation();
  if (props.where !== 'show') return renderValue(props);
  return <ValueGroup label={translateProperty(props.property.label, props.resource.id)}>{renderValue(props)}</ValueGroup>;
};

export default TokenValue;
