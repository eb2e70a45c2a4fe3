import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label, Loader, MessageBox, Text } from '@adminjs/design-system';
import { useNotice, ViewHelpers, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';
import { api } from './api';
import { policySentence, type LeakPolicyAction, type LeakResult } from './leak-api';

/**
 * "Report leaked" on a token: asks where its secret was found and says what the deployment's
 * policy will do; the POST goes through the same path as GitHub's secret scanning reports.
 */
const ReportLeak: React.FC<ActionProps> = ({ resource, record, action }) => {
  const addNotice = useNotice();
  const navigate = useNavigate();
  const [policy, setPolicy] = useState<LeakPolicyAction | null>(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const recordId = String(record?.id ?? '');
  const name = String(record?.params?.name ?? '');

  useEffect(() => {
    api.recordAction({ resourceId: resource.id, recordId, actionName: action.name }).then((response) => {
      setPolicy((response.data as LeakResult).leakPolicy?.action ?? 'disable');
    });
  }, [resource.id, recordId, action.name]);

  if (!policy) return <Loader />;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId, actionName: action.name, method: 'post', data: { url } });
      const result = response.data as LeakResult;
      if (result.error) {
        setError(result.error.fields.url?.message ?? result.error.message);
        return;
      }
      if (result.notice) addNotice({ message: result.notice.message, type: result.notice.type === 'success' ? 'success' : 'info' });
      const helpers = new ViewHelpers();
      navigate(
        result.leakOutcome?.deleted
          ? helpers.resourceUrl({ resourceId: resource.id })
          : helpers.recordActionUrl({ resourceId: resource.id, recordId, actionName: 'show' }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container" as="form" onSubmit={submit} data-testid="report-leak-form">
      <Text mb="lg">
        <strong>{name}</strong>: report that its secret was found where it should not be (a public repository, a paste, a ticket). Then {policySentence(policy)}{' '}
        Its owner and author are told by e-mail, and the report goes to the audit trail.
      </Text>
      <FormGroup error={Boolean(error)}>
        <Label htmlFor="leak-url" required>
          Where was it found?
        </Label>
        <Input
          id="leak-url"
          data-testid="field-leak-url"
          type="url"
          placeholder="https://github.com/org/repo/blob/…"
          value={url}
          width="100%"
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUrl(e.target.value)}
        />
        {error ? <FormMessage data-testid="error-url">{error}</FormMessage> : null}
      </FormGroup>
      {policy === 'report-only' ? <MessageBox variant="warning" mb="lg" message="After reporting, rotate the token: it keeps working until you do." /> : null}
      <Button type="submit" variant="danger" data-testid="button-report-leak" disabled={busy}>
        {busy ? 'Reporting…' : 'Report leaked'}
      </Button>
    </Box>
  );
};

export default ReportLeak;
