import React from 'react';
import { Box, FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { presetLabel, type ExpiryChoice, type FormInfo } from './api';

/** Expiry as a preset number of days, a date, or never, as the policy allows. */
const ExpiryPicker: React.FC<{ form: FormInfo; value: ExpiryChoice; onChange: (v: ExpiryChoice) => void; error?: string }> = ({ form, value, onChange, error }) => {
  const selectValue = value.type === 'days' ? String(value.days) : value.type;
  return (
    <FormGroup error={Boolean(error)}>
      <Label htmlFor="api-access-expiry" required>Expiry</Label>
      <Box flex flexDirection="row" style={{ gap: 8 }}>
        <select
          id="api-access-expiry"
          data-testid="expiry-select"
          value={selectValue}
          style={{ padding: 8, minWidth: 220 }}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'never') onChange({ type: 'never' });
            else if (v === 'date') onChange({ type: 'date', date: '' });
            else onChange({ type: 'days', days: Number(v) });
          }}
        >
          {form.expiryPresetsDays.map((days) => (
            <option key={days} value={String(days)}>{presetLabel(days)}</option>
          ))}
          <option value="date">On a date…</option>
          {form.allowNeverExpires ? <option value="never">Never expires</option> : null}
        </select>
        {value.type === 'date' ? (
          <Input type="date" data-testid="expiry-date" value={value.date} onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange({ type: 'date', date: e.target.value })} />
        ) : null}
      </Box>
      {value.type === 'never' ? <FormMessage>Tokens that never expire are a risk: prefer an expiry and rotation.</FormMessage> : null}
      {error ? <FormMessage data-testid="error-expiry">{error}</FormMessage> : null}
    </FormGroup>
  );
};

export default ExpiryPicker;
