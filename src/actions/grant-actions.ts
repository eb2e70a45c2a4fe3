import type { ActionContext, ResourceOptions } from 'adminjs';
import { errorResponse, isPost, payloadOf, type PluginContext } from '../plugin/context.js';
import { chosenUserId, userChoices } from '../plugin/user-choices.js';

type Actions = NonNullable<ResourceOptions['actions']>;

/** The token-admin grant: given and taken through core, which allows super admins only. */
export function grantActions(ctx: PluginContext, grantForm: string): Actions {
  const { service } = ctx.apiAccess;
  const isAccessible = ({ currentAdmin }: ActionContext) => ctx.isSuperAdmin(currentAdmin);
  const listUrl = (context: ActionContext) => context.h.resourceUrl({ resourceId: context.resource.id() });
  return {
    list: { isAccessible },
    show: { isAccessible },
    search: { isAccessible },
    new: {
      isAccessible,
      // A picker of the host's users (listUsers), never a typed id.
      component: grantForm,
      handler: async (request, _response, context) => {
        const record = { params: payloadOf(request) } as never;
        try {
          const actor = await ctx.actor(context);
          if (!isPost(request)) return { users: await userChoices(ctx.apiAccess, ctx.options.listUsers, 'grant') };
          const userId = await chosenUserId(ctx.options.listUsers, payloadOf(request).userId, 'userId');
          await service.grantTokenAdmin(actor, userId);
          return { record, redirectUrl: listUrl(context), notice: { message: 'Token admin grant given.', type: 'success' } };
        } catch (error) {
          return errorResponse(error, { record });
        }
      },
    },
    edit: { isAccessible: false, isVisible: false },
    delete: {
      isAccessible,
      guard: "Take the token admin grant away? This admin will no longer see or manage other users' tokens.",
      handler: async (request, _response, context) => {
        const record = context.record?.toJSON(context.currentAdmin);
        try {
          const actor = await ctx.actor(context);
          if (!isPost(request)) return { record };
          await service.revokeTokenAdmin(actor, request.params.recordId);
          return { record, redirectUrl: listUrl(context), notice: { message: 'Token admin grant taken away.', type: 'success' } };
        } catch (error) {
          return errorResponse(error, { record });
        }
      },
    },
    bulkDelete: { isAccessible: false, isVisible: false },
  };
}
