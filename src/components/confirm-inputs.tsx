import React from 'react';
import { Box, FormGroup, FormMessage, Label, Select } from '@adminjs/design-system';
import { graceLabel, type ExpiryChoice, type FormInfo } from './api';
import type { ConfirmScreen } from './confirm-screen';
import ExpiryPicker, { expiryPayload } from './ExpiryPicker';

interface FieldProps<T> {
  form: FormInfo;
  value: T;
  onChange: (value: T) => void;
  error?: string;
}

/** An input a token action's confirmation may take: its first value, how it is drawn, and how it is sent. */
interface ConfirmInput<T> {
  initial(form: FormInfo): T;
  Field: React.FC<FieldProps<T>>;
  payload(value: T): unknown;
}

const graceSeconds: ConfirmInput<number> = {
  initial: () => 0,
  Field: ({ form, value, onChange, error }) => {
    const options = form.rotationGraceSeconds.map((seconds) => ({ value: String(seconds), label: graceLabel(seconds) }));
    return (
      <FormGroup error={Boolean(error)}>
        <Label htmlFor="grace">Keep the old secret working for</Label>
        <Box data-testid="grace-select" data-value={String(value)} style={{ maxWidth: 360 }}>
          <Select
            inputId="grace"
            isClearable={false}
            isSearchable={false}
            value={options.find((o) => o.value === String(value)) ?? null}
            options={options}
            onChange={(o: { value: string } | null) => o && onChange(Number(o.value))}
          />
        </Box>
        <FormMessage>{error ?? 'A grace period lets integrations switch without an outage; the expiry does not change.'}</FormMessage>
      </FormGroup>
    );
  },
  payload: (value) => value,
};

const expiry: ConfirmInput<ExpiryChoice> = {
  initial: (form) => ({ type: 'days', days: form.expiryPresetsDays.includes(30) ? 30 : form.expiryPresetsDays[0]! }),
  Field: ({ form, value, onChange, error }) => <ExpiryPicker form={form} value={value} onChange={onChange} error={error} />,
  payload: expiryPayload,
};

type InputName = NonNullable<ConfirmScreen['input']>;
interface InputValues {
  graceSeconds: number;
  expiry: ExpiryChoice;
}

/** The inputs by the field name the action's handler reads them under. */
const CONFIRM_INPUTS: { [K in InputName]: ConfirmInput<InputValues[K]> } = { graceSeconds, expiry };

/** One input, whichever its name: the screen keeps its value as it was last given. */
const inputOf = (name: InputName) => CONFIRM_INPUTS[name] as unknown as ConfirmInput<unknown>;

export const initialInput = (name: InputName, form: FormInfo): unknown => inputOf(name).initial(form);
export const inputPayload = (name: InputName, value: unknown): unknown => inputOf(name).payload(value);
export const ConfirmInputField: React.FC<FieldProps<unknown> & { name: InputName }> = ({ name, ...props }) => {
  const { Field } = inputOf(name);
  return <Field {...props} />;
};
