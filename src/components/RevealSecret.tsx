import React, { useState } from 'react';
import { Box, Button, Input, Label, MessageBox, Text } from '@adminjs/design-system';

/**
 * Shows a freshly issued secret exactly once. It lives only in this component's state: it is
 * never put in a notice, a URL or storage, so leaving the page loses it for good.
 */
const RevealSecret: React.FC<{ secret: string; tokenName: string }> = ({ secret, tokenName }) => {
  const [hidden, setHidden] = useState(false);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return (
    <Box data-testid="reveal-panel" variant="container" mt="lg">
      <MessageBox variant="warning" mb="lg" message={`Copy the secret of "${tokenName}" now. It cannot be shown again: if you lose it, rotate the token.`} />
      <Label htmlFor="api-access-secret">Secret</Label>
      <Box flex flexDirection="row" style={{ gap: 8 }}>
        <Input
          id="api-access-secret"
          data-testid="reveal-secret"
          readOnly
          type={hidden ? 'password' : 'text'}
          value={secret}
          style={{ fontFamily: 'monospace', flexGrow: 1 }}
          onFocus={(e: React.FocusEvent<HTMLInputElement>) => e.target.select()}
        />
        <Button type="button" data-testid="copy-secret" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button type="button" variant="outlined" data-testid="hide-secret" onClick={() => setHidden(!hidden)}>
          {hidden ? 'Show' : 'Hide'}
        </Button>
      </Box>
      <Text mt="default" variant="sm">Send it as <code>Authorization: Bearer &lt;secret&gt;</code>.</Text>
    </Box>
  );
};

export default RevealSecret;
