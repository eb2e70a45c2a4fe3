import { buildFeature, type FeatureType, type ResourceOptions } from 'adminjs';
import { freshAccess, type AccessLevel, type PluginContext } from '../plugin/context.js';
import { validateListQuery, type ListQueryRules } from '../plugin/list-query.js';

type Actions = NonNullable<ResourceOptions['actions']>;

/**
 * An AdminJS feature that puts the fresh access check in front of every action of `actions`
 * that is not switched off, and on the list the check of page, sort and filters, so that bad
 * query parameters get a field-level error. AdminJS applies features first and merges the
 * resource's own options over them, chaining `before` hooks: the feature's run ahead of the
 * action's own.
 */
export function freshAccessFeature(ctx: PluginContext, level: AccessLevel, actions: Actions, listRules: ListQueryRules = {}): FeatureType {
  const check = freshAccess(ctx, level);
  const guardedActions = Object.entries(actions)
    .filter(([, action]) => action && action.isAccessible !== false)
    .map(([name]) => [name, { before: name === 'list' ? [check, validateListQuery(listRules)] : [check] }]);
  return buildFeature({ actions: Object.fromEntries(guardedActions) as Actions });
}
