import React, { useEffect, useState } from 'react';
import {
  Badge,
  Box,
  Button,
  FormGroup,
  FormMessage,
  Input,
  Label,
  Loader,
  MessageBox,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
  TextArea,
} from '@adminjs/design-system';
import { useNotice, ViewHelpers, type ActionProps } from 'adminjs';
import { api } from './api';
import { policySentence, type FoundToken, type LeakPolicyAction, type LeakResult } from './leak-api';

/**
 * "Check text for tokens": an admin pastes a text (a log, a config file, a ticket) and sees
 * which of the tokens they may manage it holds, masked to their last four characters, each with
 * a one-click revoke through the leak-report path. The text is sent once, checked, and kept
 * nowhere; the revoke sends only the token's id and the last four of the secret found.
 */
const CheckText: React.FC<ActionProps> = ({ resource, action }) => {
  const addNotice = useNotice();
  const [policy, setPolicy] = useState<LeakPolicyAction | null>(null);
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [found, setFound] = useState<{ wellFormed: number; tokens: FoundToken[] } | null>(null);
  const [revoked, setRevoked] = useState<Record<string, string>>({});

  useEffect(() => {
    api.resourceAction({ resourceId: resource.id, actionName: action.name }).then((response) => {
      setPolicy((response.data as LeakResult).leakPolicy?.action ?? 'disable');
    });
  }, [resource.id, action.name]);

  if (!policy) return <Loader />;

  const check = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFound(null);
    setRevoked({});
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: action.name, method: 'post', data: { text } });
      const result = response.data as LeakResult;
      if (result.error) setError(result.error.fields.text?.message ?? result.error.message);
      else setFound(result.check ?? { wellFormed: 0, tokens: [] });
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: FoundToken) => {
    setUrlError(null);
    const response = await api.recordAction({
      resourceId: resource.id,
      recordId: token.id,
      actionName: 'reportLeak',
      method: 'post',
      data: { lastFour: token.lastFour, url },
    });
    const result = response.data as LeakResult;
    if (result.error) {
      if (result.error.fields.url) setUrlError(result.error.fields.url.message);
      else addNotice({ message: result.error.message, type: 'error' });
      return;
    }
    if (result.notice) addNotice({ message: result.notice.message, type: result.notice.type === 'success' ? 'success' : 'info' });
    const taken = result.leakOutcome?.action;
    setRevoked((current) => ({
      ...current,
      [`${token.id}:${token.lastFour}`]:
        taken === 'deleted' ? 'Deleted' : taken === 'none' ? 'Reported' : taken === 'disabled' ? 'Disabled' : 'Reported before',
    }));
  };

  const helpers = new ViewHelpers();
  const others = found ? found.wellFormed - found.tokens.length : 0;
  return (
    <Box variant="container" data-testid="check-text">
      <Text mb="lg">
        Paste a text that may hold API tokens: a log, a config file, a ticket. You see which of the tokens you manage it holds, masked. Nothing you paste is
        stored. Revoking one reports it leaked, and {policySentence(policy)}
      </Text>
      <Box as="form" onSubmit={check}>
        <FormGroup error={Boolean(error)}>
          <Label htmlFor="check-text-input">Text to check</Label>
          <TextArea
            id="check-text-input"
            data-testid="field-check-text"
            rows={10}
            width="100%"
            spellCheck={false}
            autoComplete="off"
            style={{ fontFamily: 'monospace' }}
            value={text}
            onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)}
          />
          {error ? <FormMessage data-testid="error-text">{error}</FormMessage> : null}
        </FormGroup>
        <Button type="submit" variant="contained" data-testid="button-check-text" disabled={busy || text.trim() === ''}>
          {busy ? 'Checking…' : 'Check text'}
        </Button>
      </Box>
      {found ? (
        <Box mt="xl" data-testid="check-text-results">
          {found.tokens.length === 0 ? (
            <MessageBox variant="success" message={found.wellFormed === 0 ? 'No API tokens in this text.' : 'None of the tokens you manage is in this text.'} />
          ) : (
            <>
              <MessageBox
                variant="danger"
                mb="lg"
                message={`This text holds ${found.tokens.length} of your tokens. Revoke every one that left your systems.`}
              />
              <FormGroup error={Boolean(urlError)}>
                <Label htmlFor="check-text-url">Where was this text found? (optional: a link shown on the token's page and in the e-mail)</Label>
                <Input
                  id="check-text-url"
                  data-testid="field-check-text-url"
                  type="url"
                  placeholder="https://…"
                  width="100%"
                  value={url}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => setUrl(e.target.value)}
                />
                {urlError ? <FormMessage data-testid="error-url">{urlError}</FormMessage> : null}
              </FormGroup>
              <Table width="100%">
                <TableHead>
                  <TableRow>
                    <TableCell>Token</TableCell>
                    <TableCell>Secret found</TableCell>
                    <TableCell>Status</TableCell>
                    <TableCell>Owner</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {found.tokens.map((token) => {
                    const key = `${token.id}:${token.lastFour}`;
                    const done = revoked[key];
                    return (
                      <TableRow key={key} data-testid="found-token">
                        <TableCell>
                          <a href={helpers.recordActionUrl({ resourceId: resource.id, recordId: token.id, actionName: 'show' })}>{token.name}</a>
                        </TableCell>
                        <TableCell>
                          <code data-testid="found-token-masked">{token.maskedToken}</code>
                          {token.previousSecret ? <Text variant="sm">previous secret, still in its rotation grace period</Text> : null}
                        </TableCell>
                        <TableCell>
                          {done ? (
                            <Badge variant="danger" data-testid="found-token-revoked">
                              {done}
                            </Badge>
                          ) : token.reported ? (
                            <Badge variant="danger">Reported leaked</Badge>
                          ) : (
                            <Badge variant={token.status === 'active' ? 'success' : 'secondary'}>
                              {token.status === 'active' ? 'Active' : token.status === 'expired' ? 'Expired' : 'Disabled'}
                            </Badge>
                          )}
                        </TableCell>
                        <TableCell>{token.ownerEmail}</TableCell>
                        <TableCell>
                          {token.status === 'active' && !token.reported && !done ? (
                            <Button type="button" size="sm" variant="danger" data-testid="button-revoke" onClick={() => void revoke(token)}>
                              Revoke
                            </Button>
                          ) : null}
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </>
          )}
          {others > 0 ? (
            <Text mt="lg" variant="sm" data-testid="check-text-others">
              {others} other token-shaped string{others === 1 ? '' : 's'} in the text {others === 1 ? 'is' : 'are'} not a token you manage.
            </Text>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
};

export default CheckText;
