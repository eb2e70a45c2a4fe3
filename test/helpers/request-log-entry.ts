import type { RequestLogEntry } from 'adminjs-api-access';

/** The i-th of a batch of request-log rows, each told apart by its token and duration. */
export function logEntry(i: number): RequestLogEntry {
  return {
    tokenId: `t${i}`,
    tokenName: `token ${i}`,
    method: 'GET',
    path: '/api/v1/vaults',
    status: 200,
    ip: '127.0.0.1',
    userAgent: 'test',
    durationMs: i,
    createdAt: new Date(),
  };
}
