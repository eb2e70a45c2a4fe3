import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobScheduler } from '../../src/jobs/scheduler.js';
import { MemoryLogger } from '../helpers/logger.js';

/** A job that counts its runs and takes `ms`, or until aborted. */
function slowJob(ms: number) {
  const state = { runs: 0, running: 0, maxRunning: 0, aborted: 0 };
  const job = async (signal: AbortSignal) => {
    state.runs++;
    state.running++;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    const until = Date.now() + ms;
    while (Date.now() < until && !signal.aborted) await sleep(2);
    if (signal.aborted) state.aborted++;
    state.running--;
    return state.runs;
  };
  return { state, job };
}

describe('JobScheduler', () => {
  it('runs at once and then every interval, never two runs at a time', async () => {
    const { state, job } = slowJob(15);
    const scheduler = new JobScheduler(job, { logger: new MemoryLogger() });
    scheduler.start(5);
    await sleep(120);
    await Promise.all([scheduler.runOnce(), scheduler.runOnce()]);
    await scheduler.stop();
    assert.ok(state.runs >= 3, `ran ${state.runs} times`);
    assert.equal(state.maxRunning, 1);
  });

  it('runOnce joins the run in progress', async () => {
    const { state, job } = slowJob(20);
    const scheduler = new JobScheduler(job, { logger: new MemoryLogger() });
    const [a, b] = await Promise.all([scheduler.runOnce(), scheduler.runOnce()]);
    assert.equal(a, b);
    assert.equal(state.runs, 1);
  });

  it('stop() asks the run in progress to stop, waits for it, and no run follows', async () => {
    const { state, job } = slowJob(10_000);
    const scheduler = new JobScheduler(job, { logger: new MemoryLogger() });
    scheduler.start(1);
    await sleep(20);
    const started = Date.now();
    await scheduler.stop();
    assert.ok(Date.now() - started < 1_000, 'the long run stopped at its next safe point');
    assert.equal(state.running, 0, 'stop() returned after the run ended');
    assert.equal(state.aborted, 1);
    const runs = state.runs;
    await sleep(30);
    assert.equal(state.runs, runs, 'nothing runs after stop()');
  });

  it('a run that throws is logged and the schedule goes on', async () => {
    let calls = 0;
    const logger = new MemoryLogger();
    const scheduler = new JobScheduler(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database unreachable');
        return calls;
      },
      { logger },
    );
    scheduler.start(5);
    await sleep(60);
    await scheduler.stop();
    assert.ok(calls >= 2, `ran ${calls} times`);
    assert.ok(logger.lines.some((l) => l.startsWith('error') && l.includes('database unreachable')));
  });
});
