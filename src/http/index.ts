export { RequestLogWriter, type RequestLogEntry } from '../request-log/writer.js';
export type { RequireApiTokenOptions } from './require-api-token.js';
