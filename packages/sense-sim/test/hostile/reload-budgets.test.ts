import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openRaw, type RawEngine } from '../engine/engine-helpers.js';

const GOOD = 'Keep:\nLOAD * INLINE [\nK, V\na, 1\nb, 2\nc, 3\n];\n';

/** Reloads `script` in the session app; the outcome and the script error GetProgress reports. */
async function reload(
  raw: RawEngine,
  script: string,
  id: number,
): Promise<{ ok: unknown; error: string; line: unknown }> {
  await raw.call('SetScript', [script], { handle: 1 });
  const answer = await raw.call('DoReload', [], { handle: 1, id });
  const progress = await raw.call('GetProgress', [id]);
  const data = (progress.result as { qProgressData: { qErrorData: { qErrorString: string; qLineNr: number }[] } })
    .qProgressData;
  return {
    ok: (answer.result as { qReturn?: unknown } | undefined)?.qReturn,
    error: data.qErrorData[0]?.qErrorString ?? '',
    line: data.qErrorData[0]?.qLineNr,
  };
}

async function sumOfV(raw: RawEngine): Promise<unknown> {
  return ((await raw.call('Evaluate', ['Sum(V)'], { handle: 1 })).result as { qReturn?: unknown }).qReturn;
}

describe('reload budgets end a reload with a script error naming the budget and the line', () => {
  let sim: Simulator;
  let raw: RawEngine;
  let workDir: string;
  let id = 100;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'qixflow-budgets-'));
    sim = await createSimulator({
      workDir,
      site: { apps: [], dataConnections: [{ name: 'Data', type: 'folder', connectionString: 'files' }] },
      reloadOnStart: false,
      reloadBudgets: { loopIterations: 100_000, rows: 50_000, cells: 100_000, memoryBytes: 128 * 1024 * 1024 },
    });
    // 200 MB of zeros, written sparse: a file over the budget without filling the disk.
    await mkdir(join(workDir, 'data', 'files'), { recursive: true });
    const big = await open(join(workDir, 'data', 'files', 'big.csv'), 'w');
    await big.truncate(200 * 1024 * 1024);
    await big.close();
    raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    expect((await reload(raw, GOOD, id++)).ok).toBe(true);
  });
  afterAll(async () => {
    await raw.close();
    await sim.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it.each([
    {
      budget: 'loop iterations (FOR)',
      script: 'SET a = 1;\nLET b = 2;\nFOR i = 1 TO 1e12\n  LET c = i;\nNEXT i\n',
      message: 'Reload budget exceeded: loop iterations (100 000) at line 3',
      line: 3,
    },
    {
      budget: 'loop iterations (DO WHILE)',
      script: 'LET n = 0;\nDO WHILE 1 = 1\n  LET n = n + 1;\nLOOP\n',
      message: 'Reload budget exceeded: loop iterations (100 000) at line 2',
      line: 2,
    },
    {
      budget: 'loop iterations (LOAD … WHILE)',
      script: 'T:\nLOAD IterNo() AS I\nAUTOGENERATE 1\nWHERE 1 = 0\nWHILE 1 = 1;\n',
      message: 'Reload budget exceeded: loop iterations (100 000) at line 1',
      line: 1,
    },
    {
      budget: 'rows (AUTOGENERATE)',
      script: 'SET a = 1;\nT:\nLOAD RecNo() AS N\nAUTOGENERATE 1e12;\n',
      message: 'Reload budget exceeded: rows (50 000) at line 2',
      line: 2,
    },
    {
      budget: 'rows (implicit concatenation)',
      script: 'A:\nLOAD RecNo() AS N AUTOGENERATE 30000;\nB:\nLOAD RecNo() AS N AUTOGENERATE 30000;\n',
      message: 'Reload budget exceeded: rows (50 000) at line 3',
      line: 3,
    },
    {
      budget: 'rows (cross join)',
      script: 'A:\nLOAD RecNo() AS X AUTOGENERATE 300;\nJOIN LOAD RecNo() AS Y AUTOGENERATE 300;\n',
      message: 'Reload budget exceeded: rows (50 000) at line 3',
      line: 3,
    },
    {
      budget: 'cells',
      script: 'T:\nLOAD RecNo() AS A, RecNo() AS B, RecNo() AS C\nAUTOGENERATE 40000;\n',
      message: 'Reload budget exceeded: cells (100 000) at line 1',
      line: 1,
    },
    {
      budget: 'memory',
      script: "T:\nLOAD Upper(Repeat('x' & RecNo(), 20000)) AS S\nAUTOGENERATE 40000;\n",
      message: 'Reload budget exceeded: memory (134 217 728 bytes of heap growth) at line 1',
      line: 1,
    },
  ])('$budget', async ({ script, message, line }) => {
    const outcome = await reload(raw, script, id++);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(message);
    expect(outcome.line).toBe(line);
    // A failed reload never replaces the data: the previous model answers as before.
    expect(await sumOfV(raw)).toBe('6');
  });

  it('refuses a data file larger than the memory budget has left, before reading it', async () => {
    const outcome = await reload(raw, 'SET a = 1;\nBig:\nLOAD * FROM [lib://Data/big.csv] (txt);\n', id++);
    expect(outcome).toEqual({
      ok: false,
      error: 'Reload budget exceeded: memory (134 217 728 bytes of heap growth) at line 2',
      line: 2,
    });
  });

  it('ends endless recursion at a fixed CALL depth', async () => {
    const outcome = await reload(raw, 'SUB again\n  CALL again;\nEND SUB\nCALL again;\n', id++);
    expect(outcome).toEqual({ ok: false, error: 'Procedure calls nested deeper than 256: again', line: 2 });
  });

  it('ends a doubling variable with a clear error instead of parsing ever larger statements', async () => {
    const script = "LET s = Repeat('ab', 1000);\nDO\n  LET s = '$(s)$(s)';\nLOOP\n";
    const outcome = await reload(raw, script, id++);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^Statement too long after variable expansion/);
    expect(outcome.line).toBe(3);
  });
});

describe('the wall-time budget', () => {
  it('ends a reload that runs longer than allowed', async () => {
    const sim = await createSimulator({ site: { apps: [] }, reloadOnStart: false, reloadBudgets: { wallTimeMs: 300 } });
    const raw = await openRaw(sim);
    try {
      await raw.call('CreateSessionApp');
      const started = performance.now();
      const outcome = await reload(raw, 'SET a = 1;\nDO WHILE 1 = 1\n  LET b = 1;\nLOOP\n', 1);
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/^Reload budget exceeded: wall time \(300 ms\) at line [234]$/);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await raw.close();
      await sim.close();
    }
  });
});

describe('reloads on start', () => {
  it('are bounded too: an endless script does not hold the simulator’s start', async () => {
    const started = performance.now();
    const sim = await createSimulator({
      site: { apps: [{ id: 'endless', name: 'Endless', script: 'DO\n  LET a = 1;\nLOOP\n' }] },
      reloadBudgets: { wallTimeMs: 300 },
    });
    try {
      expect(performance.now() - started).toBeLessThan(5000);
      const raw = await openRaw(sim, 'endless/identity/start');
      const open = await raw.call('OpenDoc', ['endless']);
      expect(open.error).toBeUndefined();
      // The failed start-up reload left the app without data, as a failed reload does.
      const layout = (await raw.call('GetAppLayout', [], { handle: 1 })).result as { qLayout: Record<string, unknown> };
      expect(layout.qLayout.qLastReloadTime).toBe('');
      await raw.close();
    } finally {
      await sim.close();
    }
  });
});

describe('reloadBudgets option', () => {
  it('refuses unknown budgets and values that are not positive whole numbers', async () => {
    await expect(createSimulator({ reloadBudgets: { rowz: 1 } as never })).rejects.toThrow(
      'createSimulator: unknown reload budget options.reloadBudgets.rowz',
    );
    await expect(createSimulator({ reloadBudgets: { rows: -1 } })).rejects.toThrow(
      'createSimulator: options.reloadBudgets.rows must be a positive whole number, got -1',
    );
    await expect(createSimulator({ reloadBudgets: { wallTimeMs: 1.5 } })).rejects.toThrow(TypeError);
  });
});
