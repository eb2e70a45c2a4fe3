import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServerStats {
  /** CPU time the server process has used, µs (user + system). */
  cpuMicros: number;
  queries: number;
  handled: Record<string, number>;
  requestLog: { buffered: number; written: number; dropped: number };
  cacheSize: number;
  warnings: string[];
  /** CPU time of the event-loop thread and of all others, µs (Linux only). */
  threads?: { main: number; other: number } | undefined;
  /** Time the event loop has been busy and idle since the server started, ms (performance.eventLoopUtilization). */
  eventLoop?: { active: number; idle: number } | undefined;
}

export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; stats: ServerStats }
  | { type: 'closed'; stats: ServerStats }
  | { type: 'error'; message: string };

const benchDir = path.resolve(import.meta.dirname, '..');

/** A benchmark server in a child process (TypeScript through tsx), spoken to over IPC. */
export class ServerProcess {
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
    const child = fork(path.join(benchDir, script), [], {
      // BENCH_NODE_ARGS: Node flags for the server under test, to look inside a run, e.g.
      // "--trace-gc" or "--cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval=200".
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${script} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message.port);
        } else if (message.type === 'error') {
          clearTimeout(timer);
          reject(new Error(message.message));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with ${code} before it was ready`));
      });
    });
    return new ServerProcess(child, port);
  }

  private next(type: ServerMessage['type'], timeoutMs: number): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: ServerMessage) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
    });
  }

  async stats(): Promise<ServerStats> {
    const reply = this.next('stats', 10_000);
    this.child.send({ type: 'stats' });
    return ((await reply) as Extract<ServerMessage, { type: 'stats' }>).stats;
  }

  /** Graceful shutdown (SIGTERM, as a process manager sends it); resolves with the final stats. */
  async shutdown(timeoutMs = 60_000): Promise<ServerStats> {
    const closed = this.next('closed', timeoutMs);
    this.child.kill('SIGTERM');
    try {
      return ((await closed) as Extract<ServerMessage, { type: 'closed' }>).stats;
    } finally {
      const code = await Promise.race([this.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
      if (code === 'timeout') this.child.kill('SIGKILL');
    }
  }

  /** Stops the child at once, e.g. after a failure. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
