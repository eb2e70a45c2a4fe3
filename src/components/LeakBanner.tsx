import React, { useEffect, useState } from 'react';
import { Box, MessageBox, Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import { api } from './api';
import { ACTION_TAKEN, utc, type LeakReportJson, type LeakResult } from './leak-api';

/**
 * The "reported leaked" banner at the top of a token's page: where its secret was found, who
 * found it, when, and what was done. Draws nothing for a token never reported.
 */
const LeakBanner: React.FC<BasePropertyProps> = ({ record, resource }) => {
  const [reports, setReports] = useState<LeakReportJson[]>([]);
  const recordId = String(record?.id ?? '');
  useEffect(() => {
    if (!recordId) return;
    api.recordAction({ resourceId: resource.id, recordId, actionName: 'leakReports' }).then(
      (response) => setReports((response.data as LeakResult).leakReports ?? []),
      () => setReports([]),
    );
  }, [resource.id, recordId]);
  if (reports.length === 0) return null;
  return (
    <Box mb="xl" data-testid="leak-banner">
      {reports.map((report) => (
        <MessageBox key={report.id} variant="danger" mb="default" message="Reported leaked">
          <Text>
            Its secret was found {report.url ? 'at ' : null}
            {report.url ? (
              <a href={report.url} target="_blank" rel="noopener noreferrer nofollow" data-testid="leak-url">
                {report.url}
              </a>
            ) : (
              'in a place the report does not name'
            )}
            . {report.source === 'admin' ? `Reported by ${report.reporter}` : `Found by ${report.reporter} (${report.source})`} on {utc(report.reportedAt)}.{' '}
            {ACTION_TAKEN[report.action]}
          </Text>
        </MessageBox>
      ))}
    </Box>
  );
};

export default LeakBanner;
