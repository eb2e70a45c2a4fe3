/**
 * Marks the answer to an admin action as one no browser or proxy may keep (`Cache-Control:
 * no-store`): for the answers that carry a newly issued secret. AdminJS hands action handlers the
 * web framework's response (Express's, with @adminjs/express), which sends these headers with
 * the action's JSON.
 */
export function noStore(response: unknown): void {
  const res = response as { setHeader?: (name: string, value: string) => unknown; headersSent?: boolean } | null | undefined;
  if (typeof res?.setHeader === 'function' && !res.headersSent) res.setHeader('Cache-Control', 'no-store');
}
