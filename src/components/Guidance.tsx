import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';

export interface GuidanceProps {
  apiBaseUrl: string;
  guidance: readonly string[];
}

/** The API base URL and token best practice (seeds 000, 001), on every API Access screen. */
const Guidance: React.FC<GuidanceProps> = ({ apiBaseUrl, guidance }) => (
  <Box data-testid="api-guidance" variant="container" mb="lg">
    <Text mb="default">
      API base URL: <code data-testid="api-base-url">{apiBaseUrl}</code>
    </Text>
    <H4>Token best practice</H4>
    <ul style={{ paddingLeft: 20, listStyle: 'disc' }}>
      {guidance.map((line) => (
        <li key={line}>
          <Text variant="sm">{line}</Text>
        </li>
      ))}
    </ul>
  </Box>
);

export default Guidance;
