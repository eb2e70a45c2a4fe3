import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Something to do once a response has finished, as a 'finish' listener would. */
export interface FinishTask {
  finished(res: ServerResponse): void;
  /** Told what finished() threw: the subscriber's exception would be rethrown as an uncaught one. */
  failed(error: unknown): void;
  /** Set by whenFinished: another task for the same response. */
  next: FinishTask | null;
}

/** Global, so that two copies of the package in one process share the one subscriber's slot. */
const TASKS = Symbol.for('adminjs-api-access.finish-tasks');

type Locals = Record<symbol, FinishTask | undefined>;

let subscribed = false;

/** Runs the tasks kept on a response Node's server has finished. */
function onServerResponseFinish(message: unknown): void {
  const res = (message as { response?: ServerResponse & { locals?: Locals } }).response;
  const locals = res?.locals;
  if (typeof locals !== 'object' || locals === null) return;
  const first = locals[TASKS];
  if (first === undefined) return;
  locals[TASKS] = undefined;
  for (let task: FinishTask | null = first; task !== null; task = task.next) run(task, res!);
}

function run(task: FinishTask, res: ServerResponse): void {
  try {
    task.finished(res);
  } catch (error) {
    task.failed(error);
  }
}

/**
 * True when a Node HTTP server accepted this request's connection (net.Server sets `server` on
 * the sockets it accepts): that server listens for the 'finish' of every response it creates and
 * publishes it on the 'http.server.response.finish' channel, whatever ServerResponse class it was
 * given. Request injectors, serverless adapters and servers fed a bare stream have no such socket
 * and get a listener of their own. (The response's class tells nothing here: Express has already
 * replaced its prototype.)
 */
function publishedByNode(req: IncomingMessage): boolean {
  return (req.socket as { server?: unknown } | null)?.server != null;
}

/**
 * Runs `task` once `res` has finished (its last byte handed to the connection), exactly when a
 * 'finish' listener would run; never if the response is abandoned before that.
 *
 * This runs on every authenticated API request. Node's server already listens for 'finish' on
 * each response it creates and publishes it on a diagnostics channel; one more listener of ours
 * turned that response's single listener into an array, checked the listener limit and cloned the
 * array on every emit, which with the closure cost about 1.5 µs of event-loop time a request in
 * profiles of the bench server. So where Node publishes the event and Express has given the
 * response its `res.locals` dictionary (a key added there changes no object's shape), the task
 * waits there under a symbol for the one subscriber this module adds for the whole process;
 * anywhere else it is a listener, as before. Every other response costs the subscriber one
 * property read.
 */
export function whenFinished(req: IncomingMessage, res: ServerResponse, task: FinishTask): void {
  const locals = (res as { locals?: unknown }).locals;
  if (typeof locals === 'object' && locals !== null && publishedByNode(req)) {
    if (!subscribed) {
      subscribe('http.server.response.finish', onServerResponseFinish);
      subscribed = true;
    }
    const kept = locals as Locals;
    task.next = kept[TASKS] ?? null;
    kept[TASKS] = task;
    return;
  }
  task.next = null;
  res.on('finish', () => run(task, res));
}
