import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/index.js';
import { openRaw } from '../engine/engine-helpers.js';

const LOOP = 'FOR i = 1 TO 50\n  LET x = i;\nNEXT\nT: LOAD * INLINE [\nK\na\n];\n';

/** Reloads the loop in a session app: the reload's outcome and GetProgress's script error. */
async function reloadLoop(options: Parameters<typeof createSimulator>[0]): Promise<{ ok: unknown; error: string }> {
  const sim = await createSimulator({ reloadOnStart: false, ...options });
  const raw = await openRaw(sim);
  try {
    await raw.call('CreateSessionApp');
    await raw.call('SetScript', [LOOP], { handle: 1 });
    const answer = await raw.call('DoReload', [], { handle: 1, id: 77 });
    const progress = await raw.call('GetProgress', [77]);
    const data = (progress.result as { qProgressData: { qErrorData: { qErrorString: string }[] } }).qProgressData;
    return {
      ok: (answer.result as { qReturn?: unknown } | undefined)?.qReturn,
      error: data.qErrorData[0]?.qErrorString ?? '',
    };
  } finally {
    await raw.close();
    await sim.close();
  }
}

describe('reload budgets set per site and per simulator', () => {
  it("take a site fixture's reloadBudgets over the defaults", async () => {
    const outcome = await reloadLoop({ site: { apps: [], reloadBudgets: { loopIterations: 10 } } });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain('Reload budget exceeded: loop iterations (10) at line');
  });

  it("let the simulator's own options win over the site's", async () => {
    const outcome = await reloadLoop({
      site: { apps: [], reloadBudgets: { loopIterations: 10 } },
      reloadBudgets: { loopIterations: 1000 },
    });
    expect(outcome).toEqual({ ok: true, error: '' });
  });

  it('refuse an unknown or invalid budget in a site fixture', async () => {
    await expect(
      createSimulator({ site: { apps: [], reloadBudgets: { loops: 10 } as never }, reloadOnStart: false }),
    ).rejects.toThrow(/reloadBudgets/);
    await expect(
      createSimulator({ site: { apps: [], reloadBudgets: { rows: -1 } }, reloadOnStart: false }),
    ).rejects.toThrow(/reloadBudgets/);
  });
});
