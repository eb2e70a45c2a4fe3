import React, { useEffect, useState } from 'react';
import { Box, H2, H3, Loader, MessageBox, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, type ActionProps } from 'adminjs';
import { Link } from 'react-router-dom';
import UsageChart from './UsageChart';
import { formatCount, formatRate, type OverviewLinks, type TokenRef, type UsageOverview } from './types';

const api = new ApiClient();
const DAY_MS = 86_400_000;

const linkStyle: React.CSSProperties = { color: 'inherit', textDecoration: 'none' };

/** "45 days ago", with the exact time on hover. */
const Ago: React.FC<{ iso: string | null; empty: string }> = ({ iso, empty }) => {
  if (!iso) return <>{empty}</>;
  const days = Math.floor((Date.now() - Date.parse(iso)) / DAY_MS);
  return <span title={new Date(iso).toUTCString()}>{days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`}</span>;
};

const Count: React.FC<{ label: string; hint: string; value: number; href: string; testId: string }> = ({ label, hint, value, href, testId }) => (
  <Box flexGrow={1} flexBasis={0} minWidth="180px" mr="lg" mb="lg">
    <Link to={href} style={linkStyle} data-testid={testId}>
      <Box bg="white" p="xl" style={{ border: '1px solid #E4E6EA', borderRadius: 6, height: '100%' }}>
        <Text variant="sm" color="grey60">
          {label}
        </Text>
        <Text fontSize="h2" fontWeight="bold" mt="sm" data-testid={`${testId}-value`}>
          {formatCount(value)}
        </Text>
        <Text variant="sm" color="primary100" mt="sm">
          {hint} →
        </Text>
      </Box>
    </Link>
  </Box>
);

const Panel: React.FC<{ title: string; note: string; testId: string; children: React.ReactNode }> = ({ title, note, testId, children }) => (
  <Box
    flexGrow={1}
    flexBasis={0}
    minWidth="320px"
    mr="lg"
    mb="lg"
    bg="white"
    p="xl"
    data-testid={testId}
    style={{ border: '1px solid #E4E6EA', borderRadius: 6 }}
  >
    <H3 mb="sm">{title}</H3>
    <Text variant="sm" color="grey60" mb="lg">
      {note}
    </Text>
    {children}
  </Box>
);

/** A list of tokens, each a link to its page, with one more column. */
function TokenTable<T extends TokenRef>({
  tokens,
  tokenUrl,
  empty,
  column,
  cell,
}: {
  tokens: T[];
  tokenUrl: (id: string) => string;
  empty: string;
  column: string;
  cell: (token: T) => React.ReactNode;
}) {
  if (tokens.length === 0) return <Text data-testid="overview-empty">{empty}</Text>;
  return (
    <Table style={{ width: '100%' }}>
      <TableHead>
        <TableRow>
          <TableCell>Token</TableCell>
          <TableCell style={{ textAlign: 'right' }}>{column}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {tokens.map((token) => (
          <TableRow key={token.id} data-testid={`overview-token-${token.id}`}>
            <TableCell style={{ maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              <Link to={tokenUrl(token.id)} title={token.name}>
                {token.name}
              </Link>
            </TableCell>
            <TableCell style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>{cell(token)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The API Access overview for super admins: how many tokens are active, expiring, expired or
 * disabled (each a link to the list so filtered), the tokens nobody uses, the week's busiest and
 * most failing tokens, and the last 30 days of all traffic.
 */
const Overview: React.FC<ActionProps> = ({ resource }) => {
  const [data, setData] = useState<{ overview: UsageOverview; links: OverviewLinks } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.resourceAction({ resourceId: resource.id, actionName: 'list' }).then(
      (response) => {
        if (!current) return;
        const body = response.data as { overview?: UsageOverview; links?: OverviewLinks; notice?: { message: string } };
        if (body.overview && body.links) setData({ overview: body.overview, links: body.links });
        else setError(body.notice?.message ?? 'The overview could not be loaded.');
      },
      () => current && setError('The overview could not be loaded. Reload the page to try again.'),
    );
    return () => {
      current = false;
    };
  }, [resource.id]);

  if (error) return <MessageBox variant="danger" message={error} m="xl" />;
  if (!data) return <Loader />;
  const { overview, links } = data;
  const tokenUrl = (id: string) => links.token.replace('{id}', encodeURIComponent(id));
  return (
    <Box variant="transparent" p="xl" data-testid="api-access-overview">
      <H2 mb="sm">API access overview</H2>
      <Text color="grey60" mb="xl">
        The tokens of this back office as of now. Delete the ones no longer in use.
      </Text>
      <Box flex flexDirection="row" flexWrap="wrap">
        <Count label="Active" hint="Show active tokens" value={overview.counts.active} href={links.active} testId="overview-count-active" />
        <Count
          label="Expiring within 30 days"
          hint="Show them, soonest first"
          value={overview.counts.expiringWithin30Days}
          href={links.expiringWithin30Days}
          testId="overview-count-expiring"
        />
        <Count label="Expired" hint="Show expired tokens" value={overview.counts.expired} href={links.expired} testId="overview-count-expired" />
        <Count label="Disabled" hint="Show disabled tokens" value={overview.counts.disabled} href={links.disabled} testId="overview-count-disabled" />
      </Box>
      <Box flex flexDirection="row" flexWrap="wrap">
        <Panel title="Unused for 30 days or more" note="Used before, but not in the last 30 days; longest unused first." testId="overview-unused">
          <TokenTable
            tokens={overview.unused30Days}
            tokenUrl={tokenUrl}
            empty="None: every token used before was used in the last 30 days."
            column="Last used"
            cell={(t) => <Ago iso={t.lastUsedAt} empty="never" />}
          />
        </Panel>
        <Panel title="Never used" note="No request has come with these tokens yet; oldest first." testId="overview-never-used">
          <TokenTable tokens={overview.neverUsed} tokenUrl={tokenUrl} empty="None: every token has been used." column="Last used" cell={() => 'never'} />
        </Panel>
      </Box>
      <Box flex flexDirection="row" flexWrap="wrap">
        <Panel title="Most traffic this week" note="Requests in the last 7 days." testId="overview-top-traffic">
          <TokenTable
            tokens={overview.topByTraffic}
            tokenUrl={tokenUrl}
            empty="No requests in the last 7 days."
            column="Requests"
            cell={(t) => formatCount(t.requests)}
          />
        </Panel>
        <Panel
          title="Highest error rate this week"
          note="Share of 4xx and 5xx answers in the last 7 days, among tokens with enough requests to tell."
          testId="overview-top-errors"
        >
          <TokenTable
            tokens={overview.topByErrorRate}
            tokenUrl={tokenUrl}
            empty="No token had errors in the last 7 days."
            column="Error rate"
            cell={(t) => `${formatRate(t.errorRate)} of ${formatCount(t.requests)}`}
          />
        </Panel>
      </Box>
      <Box bg="white" p="xl" mr="lg" style={{ border: '1px solid #E4E6EA', borderRadius: 6 }}>
        <UsageChart title="All traffic, last 30 days" days={overview.traffic} testId="overview-chart" />
        <Text variant="sm" mt="default">
          <Link to={links.requestLogs}>Open the request logs →</Link>
        </Text>
      </Box>
    </Box>
  );
};

export default Overview;
