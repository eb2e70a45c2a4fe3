import React from 'react';
import { FormGroup, Label } from '@adminjs/design-system';
import { graceLabel, type ExpiryChoice, type FormInfo } from './api';
import type { ConfirmScreen } from './confirm-screen';
import ExpiryPicker from './ExpiryPicker';

interface FieldProps<T> {
  form: FormInfo;
  value: T;
  onChange: (value: T) => void;
  error?: string;
}

/** An input a token action's confirmation may take: its first value, and how it is drawn. */
interface ConfirmInput<T> {
  initial(form: FormInfo): T;
  Field: React.FC<FieldProps<T>>;
}

const graceSeconds: ConfirmInput<number> = {
  initial: () => 0,
  Field: ({ form, value, onChange }) => (
    <FormGroup>
      <Label htmlFor="grace">Keep the old secret working for</Label>
      <select id="grace" data-testid="grace-select" value={String(value)} style={{ padding: 8 }} onChange={(e) => onChange(Number(e.target.value))}>
        {form.rotationGraceSeconds.map((seconds) => (
          <option key={seconds} value={String(seconds)}>{graceLabel(seconds)}</option>
        ))}
      </select>
    </FormGroup>
  ),
};

const expiry: ConfirmInput<ExpiryChoice> = {
  initial: (form) => ({ type: 'days', days: form.expiryPresetsDays.includes(30) ? 30 : form.expiryPresetsDays[0]! }),
  Field: ({ form, value, onChange, error }) => <ExpiryPicker form={form} value={value} onChange={onChange} error={error} />,
};

/** The inputs by the field name the action's handler reads them under. */
export const CONFIRM_INPUTS: Record<NonNullable<ConfirmScreen['input']>, ConfirmInput<any>> = { graceSeconds, expiry };
