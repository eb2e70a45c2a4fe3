import React, { useEffect, useState } from 'react';
import { Box, Button, H3, Loader, MessageBox } from '@adminjs/design-system';
import { useNotice, type ActionProps } from 'adminjs';
import { api, fieldErrors, type ActionResult, type FormInfo } from './api';
import Guidance from './Guidance';
import RevealSecret from './RevealSecret';
import TokenFields, { toPayload, type TokenFieldValues } from './TokenFields';

const POLICY_TEXT: Record<FormInfo['editPolicy'], string> = {
  'keep-secret': 'Saving keeps the secret: integrations using it keep working.',
  'invalidate-secret': 'Saving replaces the secret: the old one stops working at once and the new one is shown once.',
  forbid: 'Tokens cannot be edited here. Create a new token with the settings you need, then delete this one.',
};

/** Edit name, description, tags, roles and IP ranges under the deployment's edit policy. */
const EditToken: React.FC<ActionProps> = ({ resource, record }) => {
  const addNotice = useNotice();
  const [form, setForm] = useState<FormInfo | null>(null);
  const [values, setValues] = useState<TokenFieldValues | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const recordId = String(record?.id ?? '');

  useEffect(() => {
    api.recordAction({ resourceId: resource.id, recordId, actionName: 'edit' }).then((response) => {
      const result = response.data as ActionResult;
      setForm(result.form ?? null);
      const p = result.record?.params ?? {};
      setValues({
        name: String(p.name ?? ''),
        description: String(p.description ?? ''),
        tags: String(p.tags ?? ''),
        roleIds: String(p.roleIds ?? '').split(',').filter(Boolean),
        allowedIps: String(p.allowedIps ?? '').split(', ').filter(Boolean).join('\n'),
      });
    });
  }, [resource.id, recordId]);

  if (!form || !values) return <Loader />;
  if (secret) {
    return (
      <Box variant="container">
        <H3>Token saved</H3>
        <RevealSecret secret={secret} tokenName={values.name} />
      </Box>
    );
  }

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setMessage(null);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId, actionName: 'edit', method: 'post', data: toPayload(values) });
      const result = response.data as ActionResult;
      if (result.error) {
        setErrors(fieldErrors(result));
        setMessage(result.error.message);
      } else if (result.secret) {
        setSecret(result.secret);
      } else {
        addNotice({ message: result.notice?.message ?? 'Saved.', type: 'success' });
        window.location.assign(window.location.pathname.replace(/\/edit$/, '/show'));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box variant="container" as="form" onSubmit={submit} data-testid="edit-token-form">
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} />
      <MessageBox variant={form.editPolicy === 'keep-secret' ? 'info' : 'warning'} mb="lg" message={POLICY_TEXT[form.editPolicy]} />
      {message ? <MessageBox variant="danger" mb="lg" data-testid="form-error" message={message} /> : null}
      {form.editPolicy === 'forbid' ? null : (
        <>
          <TokenFields form={form} values={values} onChange={setValues} errors={errors} />
          <Button type="submit" variant="contained" data-testid="button-save" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
        </>
      )}
    </Box>
  );
};

export default EditToken;
