import { flat } from 'adminjs';

/**
 * AdminJS sends a form either as JSON (our components) or as flattened form fields
 * ("tags.0", "expiry.type"), and numbers as text. This turns both into the plain input core
 * validates; it checks nothing itself.
 */
export function formInput(payload: Record<string, unknown>): Record<string, unknown> {
  const input = flat.unflatten(payload) as Record<string, unknown>;
  for (const key of ['tags', 'roleIds', 'allowedIps', 'ids'] as const) {
    const value = input[key];
    if (typeof value === 'string') {
      input[key] = value
        .split(/[\n,]/)
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      input[key] = Object.values(value);
    }
  }
  const expiry = input.expiry as Record<string, unknown> | undefined;
  if (expiry && typeof expiry.days === 'string' && /^\d+$/.test(expiry.days)) expiry.days = Number(expiry.days);
  if (typeof input.graceSeconds === 'string' && /^\d+$/.test(input.graceSeconds)) input.graceSeconds = Number(input.graceSeconds);
  if (input.ownerId === '') delete input.ownerId;
  return input;
}
