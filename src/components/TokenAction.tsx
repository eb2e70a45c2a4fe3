import React, { useEffect, useState } from 'react';
import { Box, Button, Loader, MessageBox, Text } from '@adminjs/design-system';
import { useNotice, ViewHelpers, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';
import { api, fieldErrors, type ActionResult, type FormInfo } from './api';
import { CONFIRM_INPUTS } from './confirm-inputs';
import type { ConfirmScreen } from './confirm-screen';
import Guidance from './Guidance';
import RevealSecret from './RevealSecret';

/**
 * A token action's confirmation (rotate, regenerate, enable, disable): it POSTs (opening the
 * page is a GET and changes nothing), and for new secrets shows the reveal-once panel. What it
 * asks, and the one input it may take, come from the action's definition (ConfirmScreen, as the
 * action's `custom`).
 *
 * AdminJS draws the page's header buttons from the record it loaded when the page opened, and
 * gives a custom action no way to replace it: after a change the token's show page is opened
 * (in the app, so the notice stays), whose buttons fit the token's new state. A new secret is
 * shown first, with a button to go on once it is copied.
 */
const TokenAction: React.FC<ActionProps> = ({ resource, record, action }) => {
  const addNotice = useNotice();
  const [form, setForm] = useState<FormInfo | null>(null);
  const screen = (action.custom ?? {}) as Partial<ConfirmScreen>;
  const input = screen.input ? CONFIRM_INPUTS[screen.input] : null;
  const [value, setValue] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const navigate = useNavigate();
  const recordId = String(record?.id ?? '');
  const name = String(record?.params?.name ?? '');
  const question = screen.question ?? `${action.label}?`;

  useEffect(() => {
    api.recordAction({ resourceId: resource.id, recordId, actionName: action.name }).then((response) => {
      const info = (response.data as ActionResult).form ?? null;
      if (info && input) setValue(input.initial(info));
      setForm(info);
    });
  }, [resource.id, recordId, action.name]);

  const showToken = () => navigate(new ViewHelpers().recordActionUrl({ resourceId: resource.id, recordId, actionName: 'show' }));

  if (!form) return <Loader />;
  if (secret) {
    return (
      <Box variant="container">
        <RevealSecret secret={secret} tokenName={name} />
        <Button mt="lg" data-testid="reveal-done" onClick={showToken}>
          I have copied it: back to the token
        </Button>
      </Box>
    );
  }

  const confirm = async () => {
    setBusy(true);
    setErrors({});
    setMessage(null);
    const data = screen.input ? { [screen.input]: value } : {};
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId, actionName: action.name, method: 'post', data });
      const result = response.data as ActionResult;
      if (result.error) {
        setErrors(fieldErrors(result));
        setMessage(result.error.message);
        return;
      }
      if (result.notice) addNotice({ message: result.notice.message, type: 'success' });
      if (result.secret) setSecret(result.secret);
      else showToken();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container" data-testid={`token-action-${action.name}`}>
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} />
      <Text mb="lg">
        <strong>{name}</strong>: {question}
      </Text>
      {message ? <MessageBox variant="danger" mb="lg" data-testid="form-error" message={message} /> : null}
      {input && screen.input ? <input.Field form={form} value={value} onChange={setValue} error={errors[screen.input]} /> : null}
      <Button variant={screen.danger ? 'danger' : 'contained'} data-testid="button-confirm" disabled={busy} onClick={confirm}>
        {busy ? 'Working…' : (screen.button ?? action.label)}
      </Button>
    </Box>
  );
};

export default TokenAction;
