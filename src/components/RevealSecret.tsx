import React, { useEffect, useRef, useState } from 'react';
import { Box, Button, Icon, Input, Label, MessageBox, Text } from '@adminjs/design-system';

type CopyState = 'idle' | 'copied' | 'press-keys';

/**
 * Puts the secret on the clipboard. The async clipboard API exists only on secure origins
 * (https, localhost): a back office on a plain-http intranet name has none, so there the text is
 * selected and copied the older way; when even that is refused, it stays selected and the admin
 * is told which keys to press.
 */
async function copyText(input: HTMLInputElement | null, text: string): Promise<CopyState> {
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return 'copied';
    } catch {
      // Refused (e.g. no permission): fall through to the selection.
    }
  }
  if (!input) return 'press-keys';
  input.focus();
  input.select();
  input.setSelectionRange(0, text.length);
  try {
    if (document.execCommand('copy')) return 'copied';
  } catch {
    // Some browsers throw instead of returning false.
  }
  return 'press-keys';
}

const COPY_KEYS = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘C' : 'Ctrl+C';

export interface RevealSecretProps {
  secret: string;
  tokenName: string;
  /** The only way on from the panel, once the secret is stored. */
  doneLabel: string;
  onDone: () => void;
}

/**
 * Shows a freshly issued secret exactly once. It lives only in this component's state: it is
 * never put in a notice, a URL or storage, so leaving the page loses it for good. The panel's
 * one way forward is its primary button, in view as it opens.
 */
const RevealSecret: React.FC<RevealSecretProps> = ({ secret, tokenName, doneLabel, onDone }) => {
  const [hidden, setHidden] = useState(false);
  const [copy, setCopy] = useState<CopyState>('idle');
  const input = useRef<HTMLInputElement | null>(null);
  const panel = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'start' });
  }, []);
  const onCopy = async () => {
    // A hidden secret is shown while it is selected, so that the fallback can select it.
    setHidden(false);
    setCopy(await copyText(input.current, secret));
  };
  return (
    <Box data-testid="reveal-panel" variant="container" ref={panel}>
      <MessageBox variant="warning" mb="lg" message={`Copy the secret of "${tokenName}" now`}>
        <Text>It is shown only this once. Store it in your secrets manager; if it is lost, rotate the token to get a new one.</Text>
      </MessageBox>
      <Label htmlFor="api-access-secret">Secret</Label>
      <Box flex flexDirection="row" style={{ gap: 8 }}>
        <Input
          id="api-access-secret"
          data-testid="reveal-secret"
          readOnly
          ref={input}
          type={hidden ? 'password' : 'text'}
          value={secret}
          style={{ fontFamily: 'monospace', flexGrow: 1 }}
          onFocus={(e: React.FocusEvent<HTMLInputElement>) => e.target.select()}
        />
        <Button type="button" variant="outlined" data-testid="copy-secret" onClick={onCopy}>
          <Icon icon={copy === 'copied' ? 'Check' : 'Copy'} />
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </Button>
        <Button type="button" variant="text" data-testid="hide-secret" onClick={() => setHidden(!hidden)}>
          <Icon icon={hidden ? 'Eye' : 'EyeOff'} />
          {hidden ? 'Show' : 'Hide'}
        </Button>
      </Box>
      <Text mt="default" variant="sm" data-testid="copy-status" role="status">
        {copy === 'press-keys' ? (
          <strong>The secret is selected: press {COPY_KEYS} to copy it.</strong>
        ) : (
          <>
            Send it as <code>Authorization: Bearer &lt;secret&gt;</code>.
          </>
        )}
      </Text>
      <Box mt="xl" flex flexDirection="row" alignItems="center" style={{ gap: 16 }}>
        <Button type="button" variant="contained" size="lg" data-testid="reveal-done" onClick={onDone}>
          {doneLabel}
        </Button>
        <Text variant="sm" style={{ opacity: 0.75 }}>
          The secret cannot be shown again after this.
        </Text>
      </Box>
    </Box>
  );
};

export default RevealSecret;
