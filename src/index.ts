export { createApiAccess, type ApiAccess, type ApiAccessOptions, type Logger } from './api-access.js';
export * from './core/index.js';
export * from './http/index.js';
export * from './jobs/index.js';
export { loadDatamodel, datamodelModel, type DatamodelModel } from './datamodel.js';
export { stripParams } from './plugin/strip-params.js';
export { validateListQuery, type ListQueryRules } from './plugin/list-query.js';
export { apiAccessPlugin, type ApiAccessPlugin } from './api-access-plugin.js';
export type { ApiAccessPluginOptions } from './plugin/options.js';
