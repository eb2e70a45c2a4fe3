import React from 'react';
import { Box, Select, Text } from '@adminjs/design-system';

/** One of the host's users as the server offers it; `unavailable` says why it cannot be chosen. */
export interface UserChoice {
  id: string;
  email: string;
  unavailable: string | null;
}

interface Option {
  value: string;
  label: string;
  unavailable: string | null;
}

export interface UserPickerProps {
  /** The id of the picker's text input (for its Label's htmlFor). */
  inputId: string;
  users: UserChoice[];
  /** The chosen user's id; '' for none. */
  value: string;
  onChange: (id: string) => void;
  /** Shown when nothing is chosen, e.g. "Me (super@example.com)". */
  placeholder?: string;
  /** Shown when no user matches what was typed. */
  emptyText?: string;
  testId?: string;
}

/**
 * A searchable choice of the host's users by e-mail (from the plugin's `listUsers` option). Users
 * who cannot be chosen for this purpose stay in the list, greyed out, with the reason beside them,
 * so nobody wonders where a colleague went; the server checks the choice again.
 */
const UserPicker: React.FC<UserPickerProps> = ({ inputId, users, value, onChange, placeholder, emptyText, testId }) => {
  const options: Option[] = users.map((user) => ({ value: user.id, label: user.email, unavailable: user.unavailable }));
  const selected = options.find((option) => option.value === value) ?? null;
  return (
    <Box data-testid={testId ?? 'user-picker'} data-value={value}>
      <Select
        inputId={inputId}
        classNamePrefix="user-picker"
        value={selected}
        options={options}
        isSearchable
        isClearable
        placeholder={placeholder ?? 'Search by e-mail…'}
        noOptionsMessage={() => emptyText ?? 'No user has this e-mail.'}
        isOptionDisabled={(option: unknown) => (option as Option).unavailable !== null}
        getOptionValue={(option: unknown) => (option as Option).value}
        filterOption={(candidate: { data: unknown }, input: string) => (candidate.data as Option).label.toLowerCase().includes(input.trim().toLowerCase())}
        formatOptionLabel={(data: unknown, meta: { context: string }) => {
          const option = data as Option;
          return meta.context === 'menu' && option.unavailable ? (
            <Box>
              <Text as="span">{option.label}</Text>
              <Text as="span" variant="sm" color="grey60" ml="default" data-testid="user-picker-unavailable">
                {option.unavailable}
              </Text>
            </Box>
          ) : (
            option.label
          );
        }}
        onChange={(option: Option | null) => onChange(option ? option.value : '')}
      />
    </Box>
  );
};

export default UserPicker;
