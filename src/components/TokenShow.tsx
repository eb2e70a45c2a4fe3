import React, { useEffect, useState } from 'react';
import { Box, Button, H4, Link, MessageBox, Text } from '@adminjs/design-system';
import { BasePropertyComponent, ViewHelpers, type ActionProps, type BasePropertyJSON } from 'adminjs';
import { pageFormInfo, type FormInfo } from './api';
import Guidance from './Guidance';
import RecordHeader from './RecordHeader';
import Value from './Value';
import When from './When';

/** The token's detail page in four groups, each answering one question. */
const GROUPS: ReadonlyArray<{ id: string; title: string; hint: string; properties: readonly string[] }> = [
  { id: 'identity', title: 'Identity', hint: 'What this token is and what uses it.', properties: ['description', 'tags', 'maskedToken', 'id', 'type'] },
  { id: 'access', title: 'Access', hint: 'What it may call, from where, and on whose behalf.', properties: ['roles', 'scopes', 'allowedIps', 'ownerEmail'] },
  {
    id: 'lifecycle',
    title: 'Lifecycle',
    hint: 'When it was made, when its secret was issued, and when it stops working.',
    properties: ['status', 'expiresAt', 'previousSecretExpiresAt', 'secretIssuedAt', 'createdAt', 'createdByEmail'],
  },
  { id: 'usage', title: 'Usage', hint: 'When and from where it was last used.', properties: ['lastUsedAt', 'lastUsedIp'] },
];

/** The page of a token that no longer exists: who deleted it and when, from the audit trail. */
const DeletedToken: React.FC<ActionProps> = ({ resource, record }) => {
  const h = new ViewHelpers();
  const params = record?.params ?? {};
  const name = String(params.name ?? 'This token');
  const by = params.deletedByEmail ? String(params.deletedByEmail) : null;
  return (
    <Box data-testid="deleted-token">
      <Box mt="lg" mb="lg">
        <H4 as="h2" data-testid="record-title" style={{ fontSize: 28, overflowWrap: 'anywhere' }}>
          {name}
        </H4>
      </Box>
      <Box variant="container">
        <MessageBox variant="info" mb="lg" message="This token was deleted">
          <Text data-testid="deleted-token-message">
            {params.deletedAt ? (
              <>
                Deleted
                {by ? (
                  <>
                    {' '}
                    by <strong>{by}</strong>
                  </>
                ) : null}{' '}
                <When value={params.deletedAt} both />. Systems using it lost access then; it cannot be restored.
              </>
            ) : (
              <>There is no token with this address any more, and the audit trail has no record of its deletion.</>
            )}
          </Text>
        </MessageBox>
        <Box flex style={{ gap: 12 }}>
          <Button as="a" variant="contained" href={h.resourceUrl({ resourceId: resource.id })} data-testid="deleted-back-to-list">
            Back to the tokens
          </Button>
          {params.deletedAt ? (
            <Button
              as="a"
              variant="outlined"
              href={h.resourceUrl({ resourceId: 'ApiAuditEvent', search: `?filters.tokenId=${encodeURIComponent(String(record?.id ?? ''))}` })}
            >
              Its audit trail
            </Button>
          ) : null}
        </Box>
      </Box>
    </Box>
  );
};

const TokenShow: React.FC<ActionProps> = (props) => {
  const { resource, record, action } = props;
  const [form, setForm] = useState<FormInfo | null>(null);
  useEffect(() => {
    pageFormInfo(resource.id).then(setForm, () => setForm(null));
  }, [resource.id]);
  if (!record) return null;
  if (record.params.deleted) return <DeletedToken {...props} />;

  const byPath = new Map<string, BasePropertyJSON>(resource.showProperties.map((p) => [p.propertyPath, p]));
  const h = new ViewHelpers();
  const statusProperty = byPath.get('status');
  return (
    <>
      <RecordHeader
        resource={resource}
        record={record}
        action={action}
        title={String(record.params.name ?? record.title)}
        badge={
          statusProperty ? <Value property={{ ...statusProperty, path: statusProperty.propertyPath }} record={record} resource={resource} where="list" /> : null
        }
      />
      {form ? <Guidance apiBaseUrl={form.apiBaseUrl} guidance={form.guidance} collapsed /> : null}
      {byPath.has('leakReport') ? <BasePropertyComponent where="show" property={byPath.get('leakReport')!} resource={resource} record={record} /> : null}
      <Box flex flexWrap="wrap" style={{ gap: 24 }} data-testid="token-detail">
        {GROUPS.map((group) => (
          <Box key={group.id} variant="container" data-testid={`group-${group.id}`} style={{ flex: '1 1 420px', minWidth: 0 }}>
            <H4 mb="sm">{group.title}</H4>
            <Text variant="sm" mb="lg" style={{ opacity: 0.7 }}>
              {group.hint}
            </Text>
            {group.properties.map((path) => {
              const property = byPath.get(path);
              return property ? <BasePropertyComponent key={path} where="show" property={property} resource={resource} record={record} /> : null;
            })}
            {group.id === 'usage' ? (
              <Link
                href={h.resourceUrl({ resourceId: 'ApiRequestLog', search: `?filters.tokenId=${encodeURIComponent(record.id)}` })}
                data-testid="token-request-logs"
              >
                See this token&apos;s requests
              </Link>
            ) : null}
          </Box>
        ))}
      </Box>
      {byPath.has('usage') ? (
        <Box variant="container" mt="xl" data-testid="group-traffic">
          <BasePropertyComponent where="show" property={byPath.get('usage')!} resource={resource} record={record} />
        </Box>
      ) : null}
    </>
  );
};

export default TokenShow;
