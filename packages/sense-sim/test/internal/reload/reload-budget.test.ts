import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RELOAD_BUDGETS, ReloadGuard } from '../../../src/internal/reload/reload-budget.js';
import { BudgetExceeded, ReloadAborted } from '../../../src/internal/reload/script-error.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: the guard measures wall time
  }
}

describe('ReloadGuard', () => {
  it('asks for a yield only once a few milliseconds of work have passed', () => {
    const guard = new ReloadGuard(DEFAULT_RELOAD_BUDGETS);
    expect(guard.due()).toBe(false);
    let asked = false;
    const started = performance.now();
    while (!asked && performance.now() - started < 1000) {
      busy(0.05);
      asked = guard.due();
    }
    expect(asked).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('throws the aborted error at the next pause once the signal is aborted', async () => {
    const controller = new AbortController();
    const guard = new ReloadGuard(DEFAULT_RELOAD_BUDGETS, controller.signal);
    await guard.pause();
    controller.abort();
    await expect(guard.pause()).rejects.toBeInstanceOf(ReloadAborted);
    expect(() => guard.checkAborted()).toThrow('Reload aborted');
  });

  it('names each budget and its limit, digits grouped', async () => {
    const guard = new ReloadGuard({ ...DEFAULT_RELOAD_BUDGETS, loopIterations: 2, rows: 10, cells: 15, wallTimeMs: 1 });
    guard.iterate();
    guard.iterate();
    expect(() => guard.iterate()).toThrow(new BudgetExceeded('loop iterations', '2'));
    expect(() => guard.hold(11, 0)).toThrow('Reload budget exceeded: rows (10)');
    expect(() => guard.hold(5, 16)).toThrow('Reload budget exceeded: cells (15)');
    busy(2);
    await expect(guard.pause()).rejects.toThrow('Reload budget exceeded: wall time (1 ms)');
    expect(new BudgetExceeded('rows', '20 000 000').message).toBe('Reload budget exceeded: rows (20 000 000)');
  });

  it('caps the memory budget at half the heap still free, so it trips before the heap runs out', () => {
    const guard = new ReloadGuard({ ...DEFAULT_RELOAD_BUDGETS, memoryBytes: Number.MAX_SAFE_INTEGER });
    expect(guard.budgets.memoryBytes).toBeLessThanOrEqual(getHeapStatistics().heap_size_limit / 2);
    expect(() => guard.expectBytes(guard.budgets.memoryBytes + 1)).toThrow(/^Reload budget exceeded: memory \(/);
  });
});
