import { IncomingMessage, type ServerResponse } from 'node:http';
import type { VerifiedToken } from '../core/verifier.js';

/** Global symbols, so that two copies of the package in one process agree. */
const STATE_KEY = Symbol.for('adminjs-api-access.request-state');
const REGISTRY = Symbol.for('adminjs-api-access.request-tokens');

/** Something to do once a response has finished, as a 'finish' listener would (see response-finish.ts). */
export interface FinishTask {
  /**
   * The response finished; or, with null, it never will: its connection closed first (the client
   * went away, or the host closed the connection at shutdown).
   */
  finished(res: ServerResponse | null): void;
  /** Told what finished() threw: the subscriber's exception would be rethrown as an uncaught one. */
  failed(error: unknown): void;
  /** Another task for the same response. */
  next: FinishTask | null;
}

/** What the middleware keeps for one request: one object, in `res.locals` under a symbol. */
export class RequestState {
  apiToken: VerifiedToken | undefined = undefined;
  /** Tasks waiting for the response to finish, the latest first. */
  finishing: FinishTask | null = null;
  /** An earlier response on the same connection still unfinished when this one's tasks were added (pipelining). */
  previous: RequestState | null = null;
}

type Locals = Record<symbol, RequestState | undefined>;

/**
 * The state of the request a response answers, created on first use; undefined when the response
 * has no `res.locals` object (Express creates it for every response it handles).
 *
 * One key in res.locals, read once a request, for both the token and the log row: on Node 20
 * Express gives every request and response a hidden class of its own (its per-request
 * setPrototypeOf), so every property read on them misses V8's inline caches and costs a lookup in
 * the runtime; and res.locals is a dictionary (Object.create(null)), where each new key is a
 * runtime call as well. Adding the key changes no object's shape; symbol keys are not copied into
 * view options or JSON.
 */
export function requestStateOf(res: { locals?: unknown }): RequestState | undefined {
  const locals = localsOf(res);
  return locals && (locals[STATE_KEY] ??= new RequestState());
}

/** The state if the middleware made one for this response, without making one. */
export function existingRequestState(res: { locals?: unknown } | undefined): RequestState | undefined {
  return localsOf(res)?.[STATE_KEY];
}

function localsOf(res: { locals?: unknown } | undefined): Locals | undefined {
  const locals = res?.locals;
  return typeof locals === 'object' && locals !== null ? (locals as Locals) : undefined;
}

type Holder = { res?: { locals?: unknown } };

/**
 * Makes `req.apiToken` an accessor on IncomingMessage.prototype instead of a property the
 * middleware adds to each request.
 *
 * A property added to a request mid-way changes its hidden class, so the code that runs on it
 * afterwards (Express's response helpers, Node's own HTTP internals) meets requests of two shapes
 * and slows down: measured 4-5 µs of event-loop time a request, about 5% of a small route's
 * throughput. The token is kept in the request's RequestState (see requestStateOf), else in a
 * WeakMap, which measured 2-3 µs a request slower.
 *
 * Reading and writing `req.apiToken` behave as before, except: it is not an own, enumerable
 * property; `'apiToken' in req` is true for every request; and a host that replaces `res.locals`
 * after the middleware ran loses it. A host that already defines `apiToken` on
 * IncomingMessage.prototype keeps its own definition.
 */
export function installRequestTokenAccessor(): void {
  const prototype = IncomingMessage.prototype;
  if (Object.getOwnPropertyDescriptor(prototype, 'apiToken')) return;
  const holder = globalThis as { [REGISTRY]?: WeakMap<object, VerifiedToken | undefined> };
  const tokens = (holder[REGISTRY] ??= new WeakMap());
  Object.defineProperty(prototype, 'apiToken', {
    configurable: true,
    enumerable: false,
    get(this: Holder): VerifiedToken | undefined {
      return existingRequestState(this.res)?.apiToken ?? tokens.get(this);
    },
    set(this: Holder, token: VerifiedToken | undefined) {
      const state = this.res === undefined ? undefined : requestStateOf(this.res);
      if (state) state.apiToken = token;
      else tokens.set(this, token);
    },
  });
}
