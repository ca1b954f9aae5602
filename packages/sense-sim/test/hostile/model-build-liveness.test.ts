import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openRaw, type RawEngine } from '../engine/engine-helpers.js';
import { handshake, http } from '../helpers.js';

/**
 * The associative model of a reload's data is built as part of the reload (paced like the script,
 * abortable), not by the first request that needs it: that request used to build it synchronously
 * and froze the whole simulator (about a second at a million rows, 17 s at five million).
 */

const ROWS = 600_000;
// Two fields with a distinct value per row: their symbol tables are most of the model build. When
// the first request built it synchronously, that GetLayout (and everything else) took 1–4 s here.
const BIG = `T:\nLOAD RecNo() AS Id, RecNo() * 2 AS Id2, Mod(RecNo(), 100) AS D, Mod(RecNo(), 7) AS V\nAUTOGENERATE ${ROWS};\n`;
const GOOD = 'Keep:\nLOAD * INLINE [\nK, V\na, 1\nb, 2\nc, 3\n];\n';
/** The progress line of BIG's only LOAD: after it the script is done and the model build runs. */
const FETCHED = `T << AUTOGENERATE ${ROWS} Lines fetched`;

const CUBE = {
  qInfo: { qType: 'liveness-chart' },
  qHyperCubeDef: {
    qDimensions: [{ qDef: { qFieldDefs: ['D'] } }],
    qMeasures: [{ qDef: { qDef: 'Sum(V)' } }],
    qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 10 }],
  },
};

/** Every figure the suite measured, printed once at the end. */
const figures: Record<string, number> = {};
afterAll(() => {
  console.info(`model build liveness figures (ms): ${JSON.stringify(figures)}`);
});

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function sessionApp(sim: Simulator, script: string): Promise<RawEngine> {
  const raw = await openRaw(sim);
  await raw.call('CreateSessionApp');
  await raw.call('SetScript', [script], { handle: 1 });
  return raw;
}

async function sumOfV(raw: RawEngine): Promise<unknown> {
  const answer = await raw.call('Evaluate', ['Sum(V)'], { handle: 1 });
  return (answer.result as { qReturn?: unknown } | undefined)?.qReturn;
}

/** Polls GetProgress of a running request until its persistent progress has `line`. */
async function progressReaches(raw: RawEngine, requestId: number, line: string, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const answer = await raw.call('GetProgress', [requestId]);
    const data = (answer.result as { qProgressData?: { qPersistentProgress?: string } }).qProgressData;
    if (data?.qPersistentProgress?.includes(line)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the reload's progress never reached '${line}'`);
}

describe('the data model of a big reload is built by the reload, cooperatively', () => {
  let sim: Simulator;
  let cookie: string;

  beforeAll(async () => {
    sim = await createSimulator({ site: { apps: [] }, reloadOnStart: false });
    cookie = (await handshake(sim)).cookie;
  });
  afterAll(async () => {
    await sim.close();
  });

  it('answers the first hypercube after the reload, another session and the proxy at once', async () => {
    const raw = await sessionApp(sim, BIG);
    const other = await openRaw(sim);
    try {
      await other.call('EngineVersion');
      const reload = await timed(() => raw.call('DoReload', [], { handle: 1 }));
      expect(reload.value.result).toEqual({ qReturn: true });
      figures[`${ROWS}-row reload incl. model build`] = Math.round(reload.ms);

      const created = await raw.call('CreateSessionObject', [CUBE], { handle: 1 });
      const handle = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
      // All three at once: the layout must not build the model, so the others need not wait for it.
      const [layout, engine, proxy] = await Promise.all([
        timed(() => raw.call('GetLayout', [], { handle })),
        timed(() => other.call('EngineVersion')),
        timed(() => http(sim, 'GET', '/jwt/qps/user', { cookie })),
      ]);
      figures['first hypercube GetLayout'] = Math.round(layout.ms);
      figures['EngineVersion meanwhile'] = Math.round(engine.ms);
      figures['GET /qps/user meanwhile'] = Math.round(proxy.ms);
      const cube = (layout.value.result as { qLayout: { qHyperCube: { qSize: { qcy: number } } } }).qLayout.qHyperCube;
      expect(cube.qSize.qcy).toBe(100);
      expect(proxy.value.status).toBe(200);
      expect(layout.ms).toBeLessThan(1000);
      expect(engine.ms).toBeLessThan(1000);
      expect(proxy.ms).toBeLessThan(1000);
      expect(await sumOfV(raw)).toBe(String(sumOfMod7(ROWS)));
    } finally {
      await other.close();
      await raw.close();
    }
  }, 120_000);

  it('keeps the previous data when the reload is aborted while it builds the model', async () => {
    const raw = await sessionApp(sim, GOOD);
    try {
      expect((await raw.call('DoReload', [], { handle: 1 })).result).toEqual({ qReturn: true });
      expect(await sumOfV(raw)).toBe('6');
      await raw.call('SetScript', [BIG], { handle: 1 });
      const reload = raw.call('DoReload', [], { handle: 1, id: 700 });
      await progressReaches(raw, 700, FETCHED, 60_000);
      // The script is done: what runs now is the model build (hundreds of ms at this size).
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { ms } = await timed(async () => {
        await raw.call('AbortAll');
        return reload;
      });
      figures['AbortAll latency (model build)'] = Math.round(ms);
      expect((await reload).error).toMatchObject({ code: 15 });
      expect(ms).toBeLessThan(500);
      expect(await sumOfV(raw)).toBe('6');
    } finally {
      await raw.close();
    }
  }, 120_000);
});

/** Sum of Mod(i, 7) for i = 1..n. */
function sumOfMod7(n: number): number {
  const full = Math.floor(n / 7);
  let sum = full * 21;
  for (let i = full * 7 + 1; i <= n; i++) sum += i % 7;
  return sum;
}
