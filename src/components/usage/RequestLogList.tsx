import React, { useEffect, useState } from 'react';
import { Box, Button, Icon, Pagination, Text } from '@adminjs/design-system';
import { ApiClient, RecordsTable, useNotice, useQueryParams, ViewHelpers, type ActionProps, type RecordJSON } from 'adminjs';
import { useLocation } from 'react-router-dom';
import { GuidanceAbove } from '../GuidedAction';
import { formatCount } from './types';

/** The list action's answer: AdminJS's, with whether its total is the database's estimate. */
interface ListAnswer {
  records?: RecordJSON[];
  meta?: { total: number; perPage: number; page: number; direction: 'asc' | 'desc'; sortBy?: string; totalIsEstimate?: boolean };
  notice?: { message: string; type: 'success' | 'error' | 'info' };
}

const api = new ApiClient();

/**
 * The request-log list with a CSV export of what it shows: the same filters (token, period),
 * every matching row rather than one page, from the plugin's export route (the browser downloads
 * it with the admin's session). The table is AdminJS's; the page around it is read here rather
 * than by AdminJS's list, so that a total the database estimated (PostgreSQL, millions of rows)
 * is said to be one, in the header's count and above the table.
 */
const RequestLogList: React.FC<ActionProps> = ({ action, resource, setTag }) => {
  const location = useLocation();
  const { storeParams } = useQueryParams();
  const addNotice = useNotice();
  const [answer, setAnswer] = useState<ListAnswer | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let current = true;
    setLoading(true);
    api
      .resourceAction({ resourceId: resource.id, actionName: 'list', params: new URLSearchParams(location.search) })
      .then((response) => {
        if (!current) return;
        const data = response.data as ListAnswer;
        if (data.notice) addNotice(data.notice);
        setAnswer(data);
        setLoading(false);
      })
      .catch(() => {
        if (!current) return;
        addNotice({ message: 'errorFetchingRecords', type: 'error', resourceId: resource.id });
        setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [resource.id, location.search]);

  const meta = answer?.meta;
  const estimated = meta?.totalIsEstimate === true;
  useEffect(() => {
    if (setTag && meta) setTag(estimated ? `about ${formatCount(meta.total)}` : String(meta.total));
  }, [meta?.total, estimated]);

  const csvPath = String((action.custom as { csvPath?: string } | undefined)?.csvPath ?? '');
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
      <GuidanceAbove>
        <Box variant="container" data-css={`${resource.id}-list-table-wrapper`}>
          {meta && estimated ? (
            <Text variant="sm" color="grey60" mb="default" data-testid="request-log-estimate">
              About {formatCount(meta.total)} rows: the database's estimate, as counting them all would take seconds. The last page may come before or after the
              last page link.
            </Text>
          ) : null}
          <RecordsTable
            resource={resource}
            records={answer?.records ?? []}
            selectedRecords={[]}
            isLoading={loading}
            direction={meta?.direction}
            sortBy={meta?.sortBy}
          />
          <Text mt="xl" textAlign="center">
            <Pagination
              page={meta?.page ?? 1}
              perPage={meta?.perPage ?? 20}
              total={meta?.total ?? 0}
              onChange={(page: number) => storeParams({ page: String(page) })}
            />
          </Text>
        </Box>
      </GuidanceAbove>
    </>
  );
};

export default RequestLogList;
