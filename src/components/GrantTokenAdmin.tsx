import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, FormMessage, H3, Label, Loader, MessageBox, Text } from '@adminjs/design-system';
import { useNotice, type ActionProps } from 'adminjs';
import { api, fieldErrors, type ActionResult } from './api';
import UserPicker, { type UserChoice } from './UserPicker';

/** Give the token-admin grant: a super admin picked from the host's users, never an id typed in. */
const GrantTokenAdmin: React.FC<ActionProps> = ({ resource }) => {
  const addNotice = useNotice();
  const [users, setUsers] = useState<UserChoice[] | null>(null);
  const [userId, setUserId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api.resourceAction({ resourceId: resource.id, actionName: 'new' }).then((response) => {
      const data = response.data as { users?: UserChoice[] } & ActionResult;
      if (data.error) setError(data.error.message);
      setUsers(data.users ?? []);
    });
  }, [resource.id]);

  if (!users) return <Loader />;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setFieldError(null);
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: 'new', method: 'post', data: { userId } });
      const result = response.data as ActionResult & { redirectUrl?: string };
      if (result.error || result.notice?.type === 'error') {
        setFieldError(fieldErrors(result).userId ?? null);
        setError(result.error?.message ?? result.notice?.message ?? 'The grant could not be given.');
        return;
      }
      if (result.notice) addNotice({ message: result.notice.message, type: 'success' });
      window.location.assign(result.redirectUrl ?? window.location.pathname.replace(/\/actions\/new$/, ''));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box variant="container" as="form" onSubmit={submit} data-testid="grant-form">
      <H3>Give the token admin grant</H3>
      <Text mb="xl">A token admin sees and manages every user's tokens. Only super admins can hold the grant.</Text>
      {error ? <MessageBox variant="danger" mb="lg" data-testid="form-error" message={error} /> : null}
      {users.length === 0 ? (
        <MessageBox variant="info" mb="lg" message="No users to choose from: the host's listUsers option gives the users this form offers." />
      ) : null}
      <FormGroup error={Boolean(fieldError)}>
        <Label htmlFor="grant-user" required>
          User
        </Label>
        <UserPicker inputId="grant-user" testId="field-userId" users={users} value={userId} onChange={setUserId} />
        {fieldError ? <FormMessage data-testid="error-userId">{fieldError}</FormMessage> : null}
      </FormGroup>
      <Button type="submit" variant="contained" data-testid="button-save" disabled={saving || !userId}>
        {saving ? 'Giving…' : 'Give the grant'}
      </Button>
    </Box>
  );
};

export default GrantTokenAdmin;
