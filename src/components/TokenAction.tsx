import React, { useEffect, useState } from 'react';
import { Box, Button, Icon, Loader, Text } from '@adminjs/design-system';
import { useNotice, ViewHelpers, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';
import { api, fieldErrors, type ActionResult, type FormInfo } from './api';
import { ConfirmInputField, initialInput, inputPayload } from './confirm-inputs';
import type { ConfirmScreen } from './confirm-screen';
import FormErrors from './FormErrors';
import Guidance from './Guidance';
import RecordHeader from './RecordHeader';
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
  const [value, setValue] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const navigate = useNavigate();
  const recordId = String(record?.id ?? '');
  const name = String(record?.params?.name ?? '');
  const text = {
    title: screen.title ?? action.label,
    summary: screen.summary ?? '',
    question: screen.question ?? `${action.label}?`,
    button: screen.button ?? action.label,
    // The action's own icon, as on its button in the token's header.
    icon: action.icon ?? 'Check',
    danger: screen.danger ?? false,
  };

  useEffect(() => {
    api.recordAction({ resourceId: resource.id, recordId, actionName: action.name }).then((response) => {
      const info = (response.data as ActionResult).form ?? null;
      if (info && screen.input) setValue(initialInput(screen.input, info));
      setForm(info);
    });
  }, [resource.id, recordId, action.name]);

  const showToken = () => navigate(new ViewHelpers().recordActionUrl({ resourceId: resource.id, recordId, actionName: 'show' }));

  if (!form || !record) return <Loader />;
  // An action page is one step: its way back is Cancel (or, with a new secret, the panel's button), not the token's other actions.
  const header = <RecordHeader resource={resource} record={record} action={action} title={text.title} recordName={name} subtitle={text.summary} omitActions />;
  if (secret) {
    // While the new secret is shown, the token's other actions are out of reach: the panel's button is the way on.
    return (
      <>
        {header}
        <RevealSecret secret={secret} tokenName={name} doneLabel="I have stored the secret: back to the token" onDone={showToken} />
      </>
    );
  }

  const confirm = async () => {
    setBusy(true);
    setErrors({});
    setMessage(null);
    const data = screen.input ? { [screen.input]: inputPayload(screen.input, value) } : {};
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
    <>
      {header}
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} collapsed />
      <Box variant="container" data-testid={`token-action-${action.name}`}>
        <FormErrors message={message} errors={errors} />
        {screen.input ? <ConfirmInputField name={screen.input} form={form} value={value} onChange={setValue} error={errors[screen.input]} /> : null}
        <Text mb="lg">{text.question}</Text>
        <Box flex flexDirection="row" alignItems="center" style={{ gap: 16 }}>
          <Button variant={text.danger ? 'danger' : 'contained'} data-testid="button-confirm" disabled={busy} onClick={confirm}>
            <Icon icon={text.icon} />
            {busy ? 'Working…' : text.button}
          </Button>
          <Button variant="text" type="button" data-testid="button-cancel" onClick={showToken}>
            Cancel
          </Button>
        </Box>
      </Box>
    </>
  );
};

export default TokenAction;
