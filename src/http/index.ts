export { RequestLogWriter, type RequestLogEntry } from '../request-log/writer.js';
export type { RequireApiTokenOptions } from './require-api-token.js';
export { adminRequestGuard, type AdminRequestGuardOptions } from './admin-request-guard.js';
