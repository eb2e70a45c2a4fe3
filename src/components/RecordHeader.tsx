import React from 'react';
import { Box, ButtonGroup, H2, Link, Text, type ButtonInGroupProps } from '@adminjs/design-system';
import {
  actionHref,
  buildActionClickHandler,
  buildActionTestId,
  useActionResponseHandler,
  useModal,
  useTranslation,
  type ActionJSON,
  type RecordJSON,
  type ResourceJSON,
  ViewHelpers,
} from 'adminjs';
import { useLocation, useNavigate } from 'react-router';

export interface RecordHeaderProps {
  resource: ResourceJSON;
  record: RecordJSON;
  /** The page's action: its own button is left out, and it names the crumb. */
  action: ActionJSON;
  /** The page's title: the token's name, not the action's ("Show"). */
  title: React.ReactNode;
  /** The record's name, for the breadcrumbs of its action pages. */
  recordName?: string;
  /** One line under the title: what this page does. */
  subtitle?: React.ReactNode;
  /** Beside the title, e.g. the status badge. */
  badge?: React.ReactNode;
  /**
   * Leaves the other actions' buttons out, e.g. while a new secret is shown: Delete or Regenerate
   * one click away from a secret that has not been stored yet is a trap.
   */
  omitActions?: boolean;
}

/**
 * The header of a token's pages (AdminJS's action header, which titles a page with the action's
 * name): breadcrumbs, the record's own title, and the buttons of its other actions.
 */
const RecordHeader: React.FC<RecordHeaderProps> = ({ resource, record, action, title, recordName, subtitle, badge, omitActions = false }) => {
  const translateFunctions = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const modalFunctions = useModal();
  const actionResponseHandler = useActionResponseHandler();
  const params = { resourceId: resource.id, recordId: record.id };
  const h = new ViewHelpers();
  const crumbs: Array<{ label: string; href?: string }> = [
    { label: translateFunctions.translateLabel(resource.name, resource.id), href: h.resourceUrl({ resourceId: resource.id }) },
  ];
  if (action.name !== 'show') crumbs.push({ label: recordName ?? record.title, href: h.recordActionUrl({ ...params, actionName: 'show' }) });
  const go = (href: string) => (event: React.MouseEvent) => {
    event.preventDefault();
    navigate(href);
  };

  const buttons: ButtonInGroupProps[] = omitActions
    ? []
    : record.recordActions
        .filter((other) => other.name !== action.name)
        .map((other) => {
          const href = actionHref(other, params);
          return {
            icon: other.icon,
            label: translateFunctions.translateAction(other.label, resource.id),
            variant: other.variant,
            href: href || undefined,
            onClick: href
              ? (event: React.MouseEvent) =>
                  buildActionClickHandler({ action: other, params, actionResponseHandler, navigate, location, translateFunctions, modalFunctions })(event)
              : undefined,
            'data-testid': buildActionTestId(other),
            'data-css': `${resource.id}-${other.name}-button`,
          } as ButtonInGroupProps;
        });

  return (
    <Box data-testid="record-header" data-css={`${resource.id}-${action.name}-record-header`}>
      <Box flex flexDirection="row" alignItems="center" data-testid="breadcrumbs" style={{ gap: 8, minWidth: 0 }}>
        {crumbs.map((crumb) => (
          <React.Fragment key={crumb.label}>
            <Link
              href={crumb.href}
              onClick={crumb.href ? go(crumb.href) : undefined}
              style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: 320 }}
              title={crumb.label}
            >
              {crumb.label}
            </Link>
            <span aria-hidden style={{ opacity: 0.5 }}>
              /
            </span>
          </React.Fragment>
        ))}
      </Box>
      {/* The title keeps at least 480 px: with many actions their buttons go on the line below. */}
      <Box flex flexWrap="wrap" alignItems="flex-start" style={{ columnGap: 24 }}>
        <Box mt="lg" mb="lg" style={{ flex: '1 1 480px', minWidth: 0 }}>
          <H2 mb={subtitle ? 'sm' : 'default'} data-testid="record-title" style={{ overflowWrap: 'anywhere' }}>
            {title}
            {badge ? <span style={{ marginLeft: 12, verticalAlign: 'middle', display: 'inline-block' }}>{badge}</span> : null}
          </H2>
          {subtitle ? (
            <Text variant="sm" style={{ opacity: 0.8 }}>
              {subtitle}
            </Text>
          ) : null}
        </Box>
        {buttons.length > 0 ? (
          <Box mt="xl" mb="lg" style={{ flex: '0 1 auto' }}>
            <ButtonGroup buttons={buttons} />
          </Box>
        ) : null}
      </Box>
    </Box>
  );
};

export default RecordHeader;
