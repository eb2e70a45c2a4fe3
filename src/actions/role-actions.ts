import type { ActionContext, ActionRequest, ActionResponse, ResourceOptions } from 'adminjs';
import type { RoleView } from '../core/types.js';
import { errorResponse, isPost, payloadOf, recordJson, type PluginContext } from '../plugin/context.js';
import { formInput } from './form-input.js';

type Actions = NonNullable<ResourceOptions['actions']>;

function roleParams(role: RoleView): Record<string, unknown> {
  return { id: role.id, name: role.name, description: role.description, ...Object.fromEntries(role.scopes.map((s, i) => [`scopes.${i}`, s])) };
}

/** Roles through core: scopes validated, every change audited, caches told when a role's scopes change. */
export function roleActions(ctx: PluginContext): Actions {
  const { service } = ctx.apiAccess;
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.isSuperAdmin(currentAdmin);
  const listUrl = (context: ActionContext) => context.h.resourceUrl({ resourceId: context.resource.id() });
  const input = (request: ActionRequest) => {
    const raw = formInput(payloadOf(request));
    const scopes = raw.scopes;
    return {
      name: raw.name,
      description: raw.description ?? '',
      scopes: Array.isArray(scopes) ? scopes : typeof scopes === 'string' ? scopes.split(/[\s,]+/).filter(Boolean) : scopes,
    };
  };
  const respond = async (
    request: ActionRequest,
    context: ActionContext,
    run: () => Promise<RoleView>,
    message: (r: RoleView) => string,
  ): Promise<ActionResponse> => {
    try {
      await ctx.actor(context);
      if (!isPost(request)) return { record: context.record?.toJSON(context.currentAdmin) };
      const role = await run();
      return { record: recordJson(context, roleParams(role)), redirectUrl: listUrl(context), notice: { message: message(role), type: 'success' } };
    } catch (error) {
      return errorResponse(error, { record: context.record?.toJSON(context.currentAdmin) ?? recordJson(context, payloadOf(request)) });
    }
  };
  return {
    list: { isAccessible },
    show: { isAccessible },
    search: { isAccessible },
    new: {
      isAccessible,
      handler: async (request, _response, context) =>
        respond(
          request,
          context,
          async () => service.createRole(await ctx.actor(context), input(request)),
          (r) => `Role "${r.name}" created.`,
        ),
    },
    edit: {
      isAccessible,
      handler: async (request, _response, context) =>
        respond(
          request,
          context,
          async () => service.editRole(await ctx.actor(context), request.params.recordId, input(request)),
          (r) => `Role "${r.name}" saved.`,
        ),
    },
    delete: {
      isAccessible,
      guard: 'Delete this role? Roles still assigned to tokens cannot be deleted.',
      handler: async (request, _response, context) => {
        try {
          const actor = await ctx.actor(context);
          const record = context.record?.toJSON(context.currentAdmin);
          if (!isPost(request)) return { record };
          await service.deleteRole(actor, request.params.recordId);
          return { record, redirectUrl: listUrl(context), notice: { message: 'Role deleted.', type: 'success' } };
        } catch (error) {
          return errorResponse(error, { record: context.record?.toJSON(context.currentAdmin) });
        }
      },
    },
    bulkDelete: { isAccessible: false, isVisible: false },
  };
}
