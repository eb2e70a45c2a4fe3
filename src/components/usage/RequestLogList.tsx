import React from 'react';
import { Box, Button, Icon, Text } from '@adminjs/design-system';
import { ViewHelpers, type ActionProps } from 'adminjs';
import { useLocation } from 'react-router-dom';
import GuidedAction from '../GuidedAction';

/**
 * The request-log list with a CSV export of what it shows: the same filters (token, period),
 * every matching row rather than one page, from the plugin's export route (the browser downloads
 * it with the admin's session).
 */
const RequestLogList: React.FC<ActionProps> = (props) => {
  const location = useLocation();
  const csvPath = String((props.action.custom as { csvPath?: string } | undefined)?.csvPath ?? '');
  const query = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(location.search)) if (key.startsWith('filters.')) query.append(key, value);
  const search = query.toString();
  const href = new ViewHelpers().urlBuilder([csvPath], search ? `?${search}` : '');
  return (
    <>
      {csvPath ? (
        <Box flex flexDirection="row" justifyContent="flex-end" alignItems="center" mb="lg" data-testid="request-log-export">
          <Text variant="sm" color="grey60" mr="default">
            {search ? 'Every row matching the filters, newest first.' : 'Every row you may read, newest first.'}
          </Text>
          <Button as="a" href={href} download variant="outlined" size="sm" data-testid="request-log-export-csv">
            <Icon icon="Download" />
            Export CSV
          </Button>
        </Box>
      ) : null}
      <GuidedAction {...props} />
    </>
  );
};

export default RequestLogList;
