import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { existingRequestState, type FinishTask, type RequestState } from './request-state.js';

export type { FinishTask } from './request-state.js';

let subscribed = false;

/** Runs the tasks kept for a response Node's server has finished. */
function onServerResponseFinish(message: unknown): void {
  const res = (message as { response?: ServerResponse & { locals?: unknown } }).response;
  const state = existingRequestState(res);
  if (state === undefined || state.finishing === null) return;
  const first = state.finishing;
  state.finishing = null;
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
 * Runs `task` once `res` has finished (its last byte handed to the connection), exactly when a
 * 'finish' listener would run; never if the response is abandoned before that.
 *
 * This runs on every authenticated API request. Node's HTTP server already listens for 'finish'
 * on each response it creates and publishes it on the 'http.server.response.finish' diagnostics
 * channel; one more listener of ours turned that response's single listener into an array,
 * checked the listener limit and cloned the array on every emit, which with the closure cost
 * about 1.5 µs of event-loop time a request in profiles of the bench server. So where Node
 * publishes the event, the task waits in the request's state (res.locals) for the one subscriber
 * this module adds for the whole process; anywhere else it is a listener, as before.
 *
 * Node publishes for every request that came through its server's connection handler, which sets
 * `server` on the socket (whatever ServerResponse class the server was given, and also for a
 * stream handed to it as a connection). Request injectors and serverless adapters build the
 * request on a stand-in socket without one, and get a listener.
 */
export function whenFinished(socket: object | null | undefined, res: ServerResponse, state: RequestState | undefined, task: FinishTask): void {
  if (state !== undefined && (socket as { server?: unknown } | null | undefined)?.server != null) {
    if (!subscribed) {
      subscribe('http.server.response.finish', onServerResponseFinish);
      subscribed = true;
    }
    task.next = state.finishing;
    state.finishing = task;
    return;
  }
  task.next = null;
  res.on('finish', () => run(task, res));
}
