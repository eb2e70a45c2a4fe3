import React, { useEffect, useState } from 'react';
import { Box, Button, Loader, MessageBox } from '@adminjs/design-system';
import { useNotice, type ActionProps } from 'adminjs';
import { api, fieldErrors, type ActionResult, type FormInfo } from './api';
import FormErrors from './FormErrors';
import Guidance from './Guidance';
import RecordHeader from './RecordHeader';
import RevealSecret from './RevealSecret';
import TokenFields, { toPayload, type TokenFieldValues } from './TokenFields';

const POLICY_TEXT: Record<FormInfo['editPolicy'], string> = {
  'keep-secret': 'Saving keeps the secret: integrations using it keep working.',
  'invalidate-secret': 'Saving replaces the secret: the old one stops working at once and the new one is shown once.',
  forbid: 'Tokens cannot be edited here. Create a new token with the settings you need, then delete this one.',
};

/** Edit name, description, tags, roles and IP ranges under the deployment's edit policy. */
const EditToken: React.FC<ActionProps> = ({ resource, record, action }) => {
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
        roleIds: String(p.roleIds ?? '')
          .split(',')
          .filter(Boolean),
        allowedIps: String(p.allowedIps ?? '')
          .split(', ')
          .filter(Boolean)
          .join('\n'),
      });
    });
  }, [resource.id, recordId]);

  if (!form || !values || !record) return <Loader />;
  const showUrl = window.location.pathname.replace(/\/edit$/, '/show');
  const header = (
    <RecordHeader
      resource={resource}
      record={record}
      action={action}
      title="Edit token"
      recordName={String(record.params.name ?? '')}
      subtitle="Name, description, tags, roles and allowed addresses. The expiry changes by regenerating."
      omitActions
    />
  );
  if (secret) {
    return (
      <>
        {header}
        <RevealSecret
          secret={secret}
          tokenName={values.name}
          doneLabel="I have stored the secret: back to the token"
          onDone={() => window.location.assign(showUrl)}
        />
      </>
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
        window.scrollTo({ top: 0 });
      } else if (result.secret) {
        setSecret(result.secret);
      } else {
        addNotice({ message: result.notice?.message ?? 'Saved.', type: 'success' });
        window.location.assign(showUrl);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {header}
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} collapsed />
      <Box variant="container" as="form" onSubmit={submit} data-testid="edit-token-form">
        <MessageBox variant={form.editPolicy === 'keep-secret' ? 'info' : 'warning'} mb="lg" message={POLICY_TEXT[form.editPolicy]} />
        <FormErrors message={message} errors={errors} />
        {form.editPolicy === 'forbid' ? null : (
          <Box style={{ maxWidth: 720 }}>
            <TokenFields form={form} values={values} onChange={setValues} errors={errors} />
            <Box flex flexDirection="row" alignItems="center" style={{ gap: 16 }}>
              <Button type="submit" variant="contained" size="lg" data-testid="button-save" disabled={saving}>
                {saving ? 'Saving…' : 'Save changes'}
              </Button>
              <Button type="button" variant="text" onClick={() => window.location.assign(showUrl)}>
                Cancel
              </Button>
            </Box>
          </Box>
        )}
      </Box>
    </>
  );
};

export default EditToken;
