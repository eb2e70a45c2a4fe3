// Admin changes as data, so that a test can hand some to another process (admin-child.ts) and
// run the rest itself, with the same code.
import type { Actor, ApiAccess } from 'adminjs-api-access';

export type AdminChange =
  | { op: 'disable'; id: string }
  | { op: 'rename'; id: string; name: string }
  | { op: 'rotate'; id: string }
  | { op: 'renameRole'; id: string; name: string; scopes: string[] };

export type AdminChangeResult = { ok: true } | { ok: false; error: string };

export function runChange(service: ApiAccess['service'], actor: Actor, change: AdminChange): Promise<unknown> {
  switch (change.op) {
    case 'disable':
      return service.disable(actor, change.id);
    case 'rename':
      return service.edit(actor, change.id, { name: change.name });
    case 'rotate':
      return service.rotate(actor, change.id, { graceSeconds: 0 });
    case 'renameRole':
      return service.editRole(actor, change.id, { name: change.name, scopes: change.scopes });
  }
}

/** All at once; each change's outcome, with the last line of its error's message. */
export async function runChanges(service: ApiAccess['service'], actor: Actor, changes: AdminChange[]): Promise<AdminChangeResult[]> {
  const settled = await Promise.allSettled(changes.map((change) => runChange(service, actor, change)));
  return settled.map((s) =>
    s.status === 'fulfilled'
      ? { ok: true }
      : {
          ok: false,
          error:
            String((s.reason as Error)?.message ?? s.reason)
              .trim()
              .split('\n')
              .pop() ?? '',
        },
  );
}
