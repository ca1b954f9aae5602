import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, ManualClock, type Simulator } from '../../src/index.js';
import { eventually, isolated, openRaw } from './engine-helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Opens a socket on `path`, says how the engine greeted it, and closes it again. */
async function visit(s: Simulator, path: string): Promise<unknown> {
  const raw = await openRaw(s, path);
  const state = (raw.frames[0] as { params?: { qSessionState?: unknown } } | undefined)?.params?.qSessionState;
  await raw.close();
  await eventually(() => s.stats().engine.connections === 0);
  return state;
}

describe("an engine session's linger (/ttl) on the simulator's clock", () => {
  it('lasts /ttl seconds of the injected clock after the last socket, restarting on a reconnect', async () => {
    const clock = new ManualClock(Date.now());
    sim = await createSimulator({ clock });
    const path = `${isolated()}/ttl/30`;
    expect(await visit(sim, path)).toBe('SESSION_CREATED');

    clock.advance(29_000);
    sim.sweep();
    expect(sim.stats().engine.sessions).toBe(1);
    // Re-attached with 1 s left: the linger starts again from the new last socket.
    expect(await visit(sim, path)).toBe('SESSION_ATTACHED');

    clock.advance(29_999);
    sim.sweep();
    expect(sim.stats().engine.sessions).toBe(1);
    clock.advance(1);
    sim.sweep();
    expect(sim.stats().engine.sessions).toBe(0);
    expect(await visit(sim, path)).toBe('SESSION_CREATED');
  });

  it('is not cut short by real time while the injected clock stands still', async () => {
    const clock = new ManualClock(Date.now());
    sim = await createSimulator({ clock });
    const path = `${isolated()}/ttl/1`;
    await visit(sim, path);
    // Longer than the linger in real time: the clock, not the timer, decides.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(sim.stats().engine.sessions).toBe(1);
    clock.advance(1000);
    // The timer, waiting again, ends it by itself once the clock says so (no sweep).
    await eventually(() => sim?.stats().engine.sessions === 0, 3000);
  });

  it('ends by itself after /ttl seconds of real time on the system clock', async () => {
    sim = await createSimulator();
    await visit(sim, `${isolated()}/ttl/1`);
    expect(sim.stats().engine.sessions).toBe(1);
    await eventually(() => sim?.stats().engine.sessions === 0, 3000);
  });
});
