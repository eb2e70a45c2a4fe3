import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Icon, Label, Loader, Select, Text } from '@adminjs/design-system';
import { useNotice, ViewHelpers, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';
import { api, fieldErrors, graceLabel, type ActionResult, type ExpiryChoice, type FormInfo } from './api';
import ExpiryPicker, { expiryPayload } from './ExpiryPicker';
import FormErrors from './FormErrors';
import Guidance from './Guidance';
import RecordHeader from './RecordHeader';
import RevealSecret from './RevealSecret';

/**
 * Each action's page: a title, one line that tells it apart from its neighbours (rotate keeps
 * the expiry and may keep the old secret for a while; regenerate replaces the secret at once and
 * sets a new expiry), the question, and the button.
 */
const TEXT: Record<string, { title: string; summary: string; question: string; button: string; icon: string; danger: boolean }> = {
  rotate: {
    title: 'Rotate secret',
    summary: 'New secret, same token. Its expiry, roles and id stay, and the old secret can keep working for a grace period while integrations switch.',
    question: 'Integrations must switch to the new secret.',
    button: 'Rotate secret',
    icon: 'RefreshCw',
    danger: false,
  },
  regenerate: {
    title: 'Regenerate token',
    summary: 'New secret and a new expiry. The old secret stops working at once, with no grace period. Use it for a lost or leaked secret, or an expired token.',
    question: 'The old secret stops working the moment you confirm.',
    button: 'Regenerate token',
    icon: 'Calendar',
    danger: true,
  },
  disable: { title: 'Disable token', summary: 'Requests with this token are refused until you enable it again. Nothing else changes.', question: 'Disable it now?', button: 'Disable token', icon: 'Slash', danger: true },
  enable: { title: 'Enable token', summary: 'Requests with this token are accepted again.', question: 'Enable it now?', button: 'Enable token', icon: 'CheckCircle', danger: false },
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
  const text = TEXT[action.name] ?? { title: action.label, summary: '', question: `${action.label}?`, button: action.label, icon: action.icon ?? 'Check', danger: false };

  useEffect(() => {
    api.recordAction({ resourceId: resource.id, recordId, actionName: action.name }).then((response) => {
      const info = (response.data as ActionResult).form ?? null;
      setForm(info);
      if (info && !info.expiryPresetsDays.includes(30)) setExpiry({ type: 'days', days: info.expiryPresetsDays[0]! });
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
    const data = action.name === 'rotate' ? { graceSeconds: grace } : action.name === 'regenerate' ? { expiry: expiryPayload(expiry) } : {};
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

  const graceOptions = form.rotationGraceSeconds.map((seconds) => ({ value: String(seconds), label: graceLabel(seconds) }));
  return (
    <>
      {header}
      <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} collapsed />
      <Box variant="container" data-testid={`token-action-${action.name}`}>
        <FormErrors message={message} errors={errors} />
        {action.name === 'rotate' ? (
          <FormGroup error={Boolean(errors.graceSeconds)}>
            <Label htmlFor="grace">Keep the old secret working for</Label>
            <Box data-testid="grace-select" data-value={String(grace)} style={{ maxWidth: 360 }}>
              <Select
                inputId="grace"
                isClearable={false}
                isSearchable={false}
                value={graceOptions.find((o) => o.value === String(grace)) ?? null}
                options={graceOptions}
                onChange={(o: { value: string } | null) => o && setGrace(Number(o.value))}
              />
            </Box>
            <FormMessage>{errors.graceSeconds ?? 'A grace period lets integrations switch without an outage; the expiry does not change.'}</FormMessage>
          </FormGroup>
        ) : null}
        {action.name === 'regenerate' ? <ExpiryPicker form={form} value={expiry} onChange={setExpiry} error={errors.expiry} /> : null}
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
