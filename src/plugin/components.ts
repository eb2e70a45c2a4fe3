import type { ComponentLoader } from 'adminjs';
import { fileURLToPath } from 'node:url';

const COMPONENTS = {
  create: 'CreateToken',
  edit: 'EditToken',
  tokenAction: 'TokenAction',
  value: 'Value',
  tokenShow: 'TokenShow',
  guided: 'GuidedAction',
  roleFilter: 'RoleFilter',
  tokenFilter: 'TokenFilter',
  periodFilter: 'usage/PeriodFilter',
  requestLogList: 'usage/RequestLogList',
  tokenUsage: 'usage/TokenUsage',
  overview: 'usage/Overview',
  grantForm: 'GrantTokenAdmin',
  leakBanner: 'LeakBanner',
  reportLeak: 'ReportLeak',
  checkText: 'CheckText',
} as const;

/**
 * Registers the plugin's screens on the host's ComponentLoader, as AdminJS's own feature
 * packages do. AdminJS bundles them from source at start-up; add() is idempotent, so calling
 * the plugin twice with one loader is harmless.
 */
export function registerComponents(loader: ComponentLoader): Record<keyof typeof COMPONENTS, string> {
  const ids = {} as Record<keyof typeof COMPONENTS, string>;
  for (const [key, file] of Object.entries(COMPONENTS) as Array<[keyof typeof COMPONENTS, string]>) {
    // Named by the file alone: the bundle declares each name as a JavaScript identifier.
    ids[key] = loader.add(`ApiAccess${file.slice(file.lastIndexOf('/') + 1)}`, fileURLToPath(new URL(`../components/${file}.tsx`, import.meta.url)));
  }
  return ids;
}
