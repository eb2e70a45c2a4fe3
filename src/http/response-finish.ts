import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { existingRequestState, type FinishTask, type RequestState } from './request-state.js';

export type { FinishTask } from './request-state.js';

/** On a connection: the state of its latest response with tasks; null once the connection closed. */
const PENDING = Symbol.for('adminjs-api-access.pending-response');

interface Connection {
  server?: unknown;
  destroyed?: boolean;
  [PENDING]?: RequestState | null;
  on(event: 'close', listener: (this: Connection) => void): unknown;
}

let subscribed = false;
/** Open connections with a task registered once: what abandonClosedConnections looks at. */
const watched = new Set<Connection>();

/** Runs the tasks kept for a response Node's server has finished. */
function onServerResponseFinish(message: unknown): void {
  const res = (message as { response?: ServerResponse & { locals?: unknown } }).response;
  const state = existingRequestState(res);
  if (state === undefined || state.finishing === null) return;
  const first = state.finishing;
  state.finishing = null;
  for (let task: FinishTask | null = first; task !== null; task = task.next) run(task, res!);
}

/** A connection closed: the responses on it that had not finished never will. */
function onConnectionClose(this: Connection): void {
  abandon(this);
}

function abandon(connection: Connection): void {
  watched.delete(connection);
  let state = connection[PENDING] ?? null;
  connection[PENDING] = null;
  while (state !== null) {
    const first = state.finishing;
    state.finishing = null;
    for (let task: FinishTask | null = first; task !== null; task = task.next) run(task, null);
    const previous: RequestState | null = state.previous;
    state.previous = null;
    state = previous;
  }
}

function run(task: FinishTask, res: ServerResponse | null): void {
  try {
    task.finished(res);
  } catch (error) {
    task.failed(error);
  }
}

/**
 * Runs `task` once `res` has finished (its last byte handed to the connection), exactly when a
 * 'finish' listener would run; or, told null, once it is clear the response never will finish
 * because its connection closed first (the client went away, or the host closed the connection).
 *
 * This runs on every authenticated API request. Node's HTTP server already listens for 'finish'
 * on each response it creates and publishes it on the 'http.server.response.finish' diagnostics
 * channel; one more listener of ours turned that response's single listener into an array,
 * checked the listener limit and cloned the array on every emit, which with the closure cost
 * about 1.5 µs of event-loop time a request in profiles of the bench server. So where Node
 * publishes the event, the task waits in the request's state (res.locals) for the one subscriber
 * this module adds for the whole process; anywhere else it is a listener, as before. For the
 * close, one listener a connection (not a response): the connection remembers its latest
 * response with tasks, which links to any earlier one still unfinished.
 *
 * Node publishes for every request that came through its server's connection handler, which sets
 * `server` on the socket (whatever ServerResponse class the server was given, and also for a
 * stream handed to it as a connection). Request injectors and serverless adapters build the
 * request on a stand-in socket without one, and get listeners.
 */
export function whenFinished(socket: object | null | undefined, res: ServerResponse, state: RequestState | undefined, task: FinishTask): void {
  const connection = socket as Connection | null | undefined;
  if (state !== undefined && connection != null && connection.server != null) {
    // Node does not write to a destroyed socket: a response on it cannot finish.
    if (connection.destroyed === true) {
      run(task, null);
      return;
    }
    if (!subscribed) {
      subscribe('http.server.response.finish', onServerResponseFinish);
      subscribed = true;
    }
    if (state.finishing === null) {
      const latest = connection[PENDING];
      if (latest === undefined) {
        connection.on('close', onConnectionClose);
        watched.add(connection);
      }
      if (latest !== null) {
        state.previous = latest !== undefined && latest !== state && latest.finishing !== null ? latest : null;
        connection[PENDING] = state;
      }
    }
    task.next = state.finishing;
    state.finishing = task;
    return;
  }
  task.next = null;
  res.on('finish', () => run(task, res));
  res.on('close', () => {
    if (!res.writableFinished) run(task, null);
  });
}

/**
 * Runs now, as never finishing, the tasks of responses whose connection is already destroyed but
 * has not reported its close yet (Node reports it a turn of the event loop later): for a host's
 * graceful shutdown, which closes the connections and then writes what is buffered.
 */
export function abandonClosedConnections(): void {
  for (const connection of [...watched]) {
    if (connection.destroyed === true) abandon(connection);
  }
}
