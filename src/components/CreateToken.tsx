import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, FormMessage, H3, Label, Loader, MessageBox } from '@adminjs/design-system';
import { useNotice, type ActionProps } from 'adminjs';
import { api, fieldErrors, type ActionResult, type ExpiryChoice, type FormInfo } from './api';
import ExpiryPicker from './ExpiryPicker';
import Guidance from './Guidance';
import RevealSecret from './RevealSecret';
import TokenFields, { toPayload, type TokenFieldValues } from './TokenFields';
import UserPicker from './UserPicker';

type Errors = Record<string, string>;


/** Create a token, then reveal its secret once. */
const CreateToken: React.FC<ActionProps> = ({ resource }) => {
  const addNotice = useNotice();
  const [form, setForm] = useState<FormInfo | null>(null);
  const [values, setValues] = useState<TokenFieldValues>({ name: '', description: '', tags: '', roleIds: [], allowedIps: '' });
  const [ownerId, setOwnerId] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>({ type: 'days', days: 30 });
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<{ secret: string; name: string } | null>(null);

  useEffect(() => {
    api.resourceAction({ resourceId: resource.id, actionName: 'new' }).then((response) => {
      const info = (response.data as ActionResult).form ?? null;
      setForm(info);
      if (info) setExpiry(info.expiryPresetsDays.includes(30) ? { type: 'days', days: 30 } : { type: 'days', days: info.expiryPresetsDays[0]! });
    });
  }, [resource.id]);

  if (!form) return <Loader />;
  if (created) {
    return (
      <Box variant="container">
        <H3>Token created</H3>
        <RevealSecret secret={created.secret} tokenName={created.name} />
        <Box mt="xl">
          <Button data-testid="back-to-list" onClick={() => window.location.assign(window.location.pathname.replace(/\/actions\/new$/, ''))}>
            Done: I have stored the secret
          </Button>
        </Box>
      </Box>
    );
  }

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setMessage(null);
    const data = { ...toPayload(values), expiry, ...(ownerId ? { ownerId } : {}) };
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: 'new', method: 'post', data });
      const result = response.data as ActionResult;
      if (result.secret) {
        setCreated({ secret: result.secret, name: String(result.record?.params.name ?? values.name) });
        if (result.notice) addNotice({ message: result.notice.message, type: 'success' });
      } else {
        setErrors(fieldErrors(result));
        setMessage(result.error?.message ?? result.notice?.message ?? 'The token could not be created.');
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box variant="container" as="form" onSubmit={submit} data-testid="create-token-form">
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} />
      {message ? <MessageBox variant="danger" mb="lg" data-testid="form-error" message={message} /> : null}
      <TokenFields form={form} values={values} onChange={setValues} errors={errors} />
      <ExpiryPicker form={form} value={expiry} onChange={setExpiry} error={errors.expiry} />
      {form.canChooseOwner ? (
        <FormGroup error={Boolean(errors.ownerId)}>
          <Label htmlFor="token-owner">Owner</Label>
          <UserPicker
            inputId="token-owner"
            testId="field-owner"
            users={form.owners.filter((o) => o.id !== form.currentUser.id)}
            value={ownerId}
            onChange={setOwnerId}
            placeholder={`Me (${form.currentUser.email})`}
          />
          {errors.ownerId ? <FormMessage data-testid="error-ownerId">{errors.ownerId}</FormMessage> : null}
        </FormGroup>
      ) : null}
      <Button type="submit" variant="contained" data-testid="button-save" disabled={saving}>
        {saving ? 'Creating…' : 'Create token'}
      </Button>
    </Box>
  );
};

export default CreateToken;
