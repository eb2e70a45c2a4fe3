import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Label, Loader, MessageBox, Text } from '@adminjs/design-system';
import { useNotice, type ActionProps } from 'adminjs';
import { api, fieldErrors, type ActionResult, type ExpiryChoice, type FormInfo } from './api';
import ExpiryPicker, { expiryPayload } from './ExpiryPicker';
import FormErrors from './FormErrors';
import Guidance from './Guidance';
import RevealSecret from './RevealSecret';
import TokenFields, { toPayload, type TokenFieldValues } from './TokenFields';
import UserPicker from './UserPicker';

type Errors = Record<string, string>;

/** "3 of 5 active tokens", said before the form is filled rather than learnt by failing. */
const TokenLimit: React.FC<{ form: FormInfo }> = ({ form }) => {
  const { activeTokens: used, maxActiveTokensPerOwner: max } = form;
  const full = used >= max;
  const rule = `Each owner may have ${max} active tokens (enabled and not expired).`;
  return (
    <MessageBox variant={full ? 'warning' : 'info'} mb="xl" data-testid="token-limit" message={`You have ${used} of ${max} active tokens`}>
      <Text>
        {rule}{' '}
        {full
          ? `You cannot create another for yourself until you disable or delete one${form.canChooseOwner ? '; you can still create one for another user' : ''}.`
          : `You can create ${max - used} more.`}
      </Text>
    </MessageBox>
  );
};

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
        <RevealSecret
          secret={created.secret}
          tokenName={created.name}
          doneLabel="I have stored the secret: back to the tokens"
          onDone={() => window.location.assign(window.location.pathname.replace(/\/actions\/new$/, ''))}
        />
      </Box>
    );
  }

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setMessage(null);
    const data = { ...toPayload(values), expiry: expiryPayload(expiry), ...(ownerId ? { ownerId } : {}) };
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: 'new', method: 'post', data });
      const result = response.data as ActionResult;
      if (result.secret) {
        setCreated({ secret: result.secret, name: String(result.record?.params.name ?? values.name) });
        if (result.notice) addNotice({ message: result.notice.message, type: 'success' });
      } else {
        setErrors(fieldErrors(result));
        setMessage(result.error?.message ?? result.notice?.message ?? 'The token could not be created.');
        window.scrollTo({ top: 0 });
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box variant="container" as="form" onSubmit={submit} data-testid="create-token-form">
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} collapsed />
      <TokenLimit form={form} />
      <FormErrors message={message} errors={errors} />
      <Box style={{ maxWidth: 720 }}>
        <TokenFields form={form} values={values} onChange={setValues} errors={errors} />
        <ExpiryPicker form={form} value={expiry} onChange={setExpiry} error={errors.expiry} />
        {form.canChooseOwner ? (
          <FormGroup error={Boolean(errors.ownerId)} data-testid="group-ownerId">
            <Label htmlFor="token-owner">Owner</Label>
            <Box style={{ maxWidth: 360 }}>
              <UserPicker
                inputId="token-owner"
                testId="field-owner"
                users={form.owners.filter((o) => o.id !== form.currentUser.id)}
                value={ownerId}
                onChange={setOwnerId}
                placeholder={`Me (${form.currentUser.email})`}
              />
            </Box>
            <FormMessage data-testid="error-ownerId">
              {errors.ownerId ?? 'Whose integration this is: the owner sees and manages the token, and gets its expiry notices.'}
            </FormMessage>
          </FormGroup>
        ) : null}
        <Button type="submit" variant="contained" size="lg" data-testid="button-save" disabled={saving}>
          {saving ? 'Creating…' : 'Create token'}
        </Button>
      </Box>
    </Box>
  );
};

export default CreateToken;
