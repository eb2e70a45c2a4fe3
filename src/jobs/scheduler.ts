import type { Logger } from '../core/types.js';

/**
 * Runs a job now and then, never two runs at once in this process (other processes are kept
 * apart by the jobs themselves), and stops cleanly: `stop()` cancels the next run, asks a run in
 * progress to finish at its next safe point (through the AbortSignal) and waits for it.
 */
export class JobScheduler<R> {
  private timer: NodeJS.Timeout | null = null;
  private intervalMs = 0;
  private started = false;
  private current: Promise<R> | null = null;
  private controller = new AbortController();

  constructor(
    private readonly job: (signal: AbortSignal) => Promise<R>,
    private readonly options: { logger: Logger; onResult?: (result: R) => void },
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  /** Runs at once, then every `intervalMs` after the previous run ends (so runs never pile up). */
  start(intervalMs: number): void {
    if (this.started) return;
    if (this.controller.signal.aborted) this.controller = new AbortController();
    this.started = true;
    this.intervalMs = intervalMs;
    this.schedule(0);
  }

  /** Runs the job now, or joins the run in progress. Rejects only if the job itself throws. */
  runOnce(): Promise<R> {
    if (this.current) return this.current;
    const run = this.job(this.controller.signal).finally(() => {
      this.current = null;
    });
    this.current = run;
    return run;
  }

  private schedule(delayMs: number): void {
    // unref: a pending run alone never keeps the process alive.
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      const result = await this.runOnce();
      this.options.onResult?.(result);
    } catch (error) {
      // A scheduled run never takes the host down; the next interval tries again.
      this.options.logger.error('[api-access] background jobs failed; will try again at the next interval', error instanceof Error ? error.message : error);
    }
    if (this.started && !this.timer) this.schedule(this.intervalMs);
  }

  /** Stops scheduling and waits for a run in progress, which stops at its next safe point. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort();
    await this.current?.catch(() => undefined);
  }
}
