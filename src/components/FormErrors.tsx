import React from 'react';
import { MessageBox, Text } from '@adminjs/design-system';
import { FIELD_LABELS } from './api';

/**
 * A refused form's message, for people: what is wrong in words, and which fields to look at
 * (each is also highlighted in place, with its own message under it).
 */
const FormErrors: React.FC<{ message: string | null; errors: Record<string, string> }> = ({ message, errors }) => {
  if (!message) return null;
  const fields = Object.keys(errors)
    .map((key) => FIELD_LABELS[key])
    .filter((label): label is string => Boolean(label));
  const named = fields.length > 1 ? `${fields.slice(0, -1).join(', ')} and ${fields[fields.length - 1]}` : fields[0];
  return (
    <MessageBox variant="danger" mb="xl" data-testid="form-error" message={named ? `Please check ${named}` : 'Nothing was changed'}>
      <Text>{message}</Text>
    </MessageBox>
  );
};

export default FormErrors;
