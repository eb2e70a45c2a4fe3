import { IncomingMessage } from 'node:http';
import type { VerifiedToken } from '../core/verifier.js';

/** Shared through the global symbol registry, so that two copies of the package in one process agree. */
const REGISTRY = Symbol.for('adminjs-api-access.request-tokens');

/**
 * Makes `req.apiToken` an accessor on IncomingMessage.prototype, backed by a WeakMap, instead of
 * a property the middleware adds to each request.
 *
 * A property added to a request mid-way changes its hidden class, so the code that runs on it
 * afterwards (Express's response helpers, Node's own HTTP internals) meets requests of two shapes
 * and slows down: measured 4-5 µs of event-loop time a request, about 5% of a small route's
 * throughput. Reading and writing `req.apiToken` behave as before; the differences are that it
 * is not an own, enumerable property, and `'apiToken' in req` is true for every request. A host
 * that already defines `apiToken` on IncomingMessage.prototype keeps its own definition.
 */
export function installRequestTokenAccessor(): void {
  const prototype = IncomingMessage.prototype;
  if (Object.getOwnPropertyDescriptor(prototype, 'apiToken')) return;
  const holder = globalThis as { [REGISTRY]?: WeakMap<object, VerifiedToken | undefined> };
  const tokens = (holder[REGISTRY] ??= new WeakMap());
  Object.defineProperty(prototype, 'apiToken', {
    configurable: true,
    enumerable: false,
    get(this: object): VerifiedToken | undefined {
      return tokens.get(this);
    },
    set(this: object, token: VerifiedToken | undefined) {
      tokens.set(this, token);
    },
  });
}
