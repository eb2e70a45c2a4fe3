import type { Logger } from 'adminjs-api-access';

/** Captures what the host logs, so tests can check it (and check that no secret is in it). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];

  private push(level: string, message: string, rest: unknown[]): void {
    this.lines.push([level, message, ...rest.map((r) => (r instanceof Error ? `${r.message}\n${r.stack}` : JSON.stringify(r)))].join(' '));
  }

  info(message: string, ...rest: unknown[]): void {
    this.push('info', message, rest);
  }

  warn(message: string, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }

  error(message: string, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
}
