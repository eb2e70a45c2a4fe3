export { createApiAccess, type ApiAccess, type ApiAccessOptions, type Logger } from './api-access.js';
export * from './core/index.js';
export * from './http/index.js';
