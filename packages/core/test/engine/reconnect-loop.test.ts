import { describe, expect, it } from 'vitest';
import { type ReconnectLoopDeps, reconnectLoop } from '../../src/engine/reconnect-loop.js';

/** Timers that fire at once but remember the delays asked for. */
function instantTimers(delays: number[]): ReconnectLoopDeps['timers'] {
  return {
    setTimeout: (callback, ms) => {
      delays.push(ms);
      queueMicrotask(callback);
      return undefined;
    },
    clearTimeout: () => undefined,
  };
}

function deps(overrides: Partial<ReconnectLoopDeps>, delays: number[] = []): ReconnectLoopDeps {
  return {
    policy: { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 300 },
    timers: instantTimers(delays),
    random: () => 0.999,
    onAttempt: () => undefined,
    shouldContinue: () => true,
    attempt: async () => {
      throw new Error('still down');
    },
    isFinal: () => false,
    ...overrides,
  };
}

describe('reconnectLoop', () => {
  it('backs off exponentially up to the maximum, with jitter between half and the full delay', async () => {
    const full: number[] = [];
    await reconnectLoop(deps({ random: () => 0.999999 }, full));
    expect(full).toEqual([100, 200, 300, 300]);
    const half: number[] = [];
    await reconnectLoop(deps({ random: () => 0 }, half));
    expect(half).toEqual([50, 100, 150, 150]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const attempts: number[] = [];
    const outcome = await reconnectLoop(
      deps({
        onAttempt: ({ attempt }) => attempts.push(attempt),
        attempt: async (n) => {
          throw new Error(`attempt ${n} failed`);
        },
      }),
    );
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(outcome).toEqual({ kind: 'gave-up', lastError: new Error('attempt 4 failed'), final: false });
  });

  it('stops at the first final error, and resumes at the first success', async () => {
    const final = await reconnectLoop(deps({ isFinal: () => true }));
    expect(final).toMatchObject({ kind: 'gave-up', final: true });
    let calls = 0;
    const resumed = await reconnectLoop(
      deps({
        attempt: async () => {
          calls++;
          if (calls < 3) throw new Error('not yet');
        },
      }),
    );
    expect(resumed).toEqual({ kind: 'resumed', attempt: 3 });
  });

  it('returns cancelled without another attempt once the connection was closed', async () => {
    let tried = false;
    const outcome = await reconnectLoop(
      deps({
        shouldContinue: () => false,
        attempt: async () => {
          tried = true;
        },
      }),
    );
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(tried).toBe(false);
  });
});
