// Another host in its own process, spoken to one line at a time: the test writes a line to its
// stdin, the process answers with a line on stdout. Its first line must be 'ready'.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface LineProcess {
  /** Resolves once the process said 'ready'. */
  ready(): Promise<void>;
  /** Sends one line and resolves with the process's answer, parsed as JSON. */
  ask<T>(line: string): Promise<T>;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** Ends its input and waits for it to exit. */
  close(): Promise<void>;
}

/** Starts test/helpers/<script> with tsx. */
export function lineProcess(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): LineProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      // A crash must fail the test, not leave it waiting for an answer.
      for (const w of waiting.splice(0)) w.reject(new Error(`${script} exited (${code}):\n${stderr}`));
      resolve();
    }),
  );
  const ready = next();
  return {
    async ready() {
      assert.equal(await ready, 'ready', stderr);
    },
    async ask<T>(line: string): Promise<T> {
      const answer = next();
      child.stdin.write(`${line}\n`);
      return JSON.parse(await answer) as T;
    },
    stderr: () => stderr,
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
