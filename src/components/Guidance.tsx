import React from 'react';
import { Box, Text } from '@adminjs/design-system';

export interface GuidanceProps {
  apiBaseUrl: string;
  guidance: readonly string[];
  /** Folded on list and show pages, where the table matters most; open where tokens are made. */
  collapsed?: boolean;
}

/** The API base URL and token best practice on every API Access screen. */
const Guidance: React.FC<GuidanceProps> = ({ apiBaseUrl, guidance, collapsed = false }) => (
  <Box data-testid="api-guidance" variant="container" mb="lg">
    <Text mb="default">
      API base URL: <code data-testid="api-base-url">{apiBaseUrl}</code>. Send tokens as <code>Authorization: Bearer &lt;token&gt;</code>.
    </Text>
    <details open={!collapsed}>
      <summary style={{ cursor: 'pointer', fontWeight: 600 }}>Token best practice</summary>
      <ul style={{ paddingLeft: 20, listStyle: 'disc', marginTop: 8 }}>
        {guidance.map((line) => (
          <li key={line}>
            <Text variant="sm">{line}</Text>
          </li>
        ))}
      </ul>
    </details>
  </Box>
);

export default Guidance;
