import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, Label, Loader, MessageBox, Text } from '@adminjs/design-system';
import { useNotice, ViewHelpers, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';
import { api, fieldErrors, graceLabel, type ActionResult, type ExpiryChoice, type FormInfo } from './api';
import ExpiryPicker from './ExpiryPicker';
import Guidance from './Guidance';
import RevealSecret from './RevealSecret';

const TEXT: Record<string, { question: string; button: string; danger: boolean }> = {
  rotate: {
    question: 'Rotate this token? It keeps its id and permissions and gets a new secret. Integrations must switch to the new secret.',
    button: 'Rotate',
    danger: true,
  },
  regenerate: {
    question: 'Regenerate this token? A new secret fully replaces the old one, which stops working at once, and the token gets a new expiry.',
    button: 'Regenerate',
    danger: true,
  },
  disable: { question: 'Disable this token? Requests with it are refused until you enable it again.', button: 'Disable', danger: true },
  enable: { question: 'Enable this token? Requests with it will be accepted again.', button: 'Enable', danger: false },
};

/**
 * Rotate, regenerate, enable and disable: a confirmation that POSTs (opening the page is a
 * GET and changes nothing), and for new secrets the reveal-once panel.
 *
 * AdminJS draws the page's header buttons from the record it loaded when the page opened, and
 * gives a custom action no way to replace it: after a change the token's show page is opened
 * (in the app, so the notice stays), whose buttons fit the token's new state. A new secret is
 * shown first, with a button to go on once it is copied.
 */
const TokenAction: React.FC<ActionProps> = ({ resource, record, action }) => {
  const addNotice = useNotice();
  const [form, setForm] = useState<FormInfo | null>(null);
  const [grace, setGrace] = useState(0);
  const [expiry, setExpiry] = useState<ExpiryChoice>({ type: 'days', days: 30 });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const navigate = useNavigate();
  const recordId = String(record?.id ?? '');
  const name = String(record?.params?.name ?? '');
  const text = TEXT[action.name] ?? { question: `${action.label}?`, button: action.label, danger: false };

  useEffect(() => {
    api.recordAction({ resourceId: resource.id, recordId, actionName: action.name }).then((response) => {
      const info = (response.data as ActionResult).form ?? null;
      setForm(info);
      if (info && !info.expiryPresetsDays.includes(30)) setExpiry({ type: 'days', days: info.expiryPresetsDays[0]! });
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
    const data = action.name === 'rotate' ? { graceSeconds: grace } : action.name === 'regenerate' ? { expiry } : {};
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
        <strong>{name}</strong>: {text.question}
      </Text>
      {message ? <MessageBox variant="danger" mb="lg" data-testid="form-error" message={message} /> : null}
      {action.name === 'rotate' ? (
        <FormGroup>
          <Label htmlFor="grace">Keep the old secret working for</Label>
          <select id="grace" data-testid="grace-select" value={String(grace)} style={{ padding: 8 }} onChange={(e) => setGrace(Number(e.target.value))}>
            {form.rotationGraceSeconds.map((seconds) => (
              <option key={seconds} value={String(seconds)}>{graceLabel(seconds)}</option>
            ))}
          </select>
        </FormGroup>
      ) : null}
      {action.name === 'regenerate' ? <ExpiryPicker form={form} value={expiry} onChange={setExpiry} error={errors.expiry} /> : null}
      <Button variant={text.danger ? 'danger' : 'contained'} data-testid="button-confirm" disabled={busy} onClick={confirm}>
        {busy ? 'Working…' : text.button}
      </Button>
    </Box>
  );
};

export default TokenAction;
