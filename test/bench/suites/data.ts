/**
 * Data engine figures (a baseline later work must not regress), through the engine's websocket
 * like any client: reload of a 1 000 000-row AUTOGENERATE, a hypercube of 3 dimensions × 2
 * measures over it, and a selection + recompute. The reload is compared with the figure recorded
 * for commit 7c59e5d (before the columnar table store), and the memory the loaded model holds is
 * measured in-process (runScript + prepareModel, retained heap after a full GC).
 */
import { prepareModel } from '../../../packages/sense-sim/src/internal/data/data-engine.js';
import { DEFAULT_RELOAD_BUDGETS, ReloadGuard } from '../../../packages/sense-sim/src/internal/reload/reload-budget.js';
import { runScript } from '../../../packages/sense-sim/src/internal/reload/run-script.js';
import { scriptEvaluator } from '../../../packages/sense-sim/src/internal/reload/script-evaluator.js';
import { measure, type Rate, type Row } from '../lib/measure.js';
import { RpcClient } from '../lib/rpc-client.js';
import { startServer } from '../lib/start-server.js';

/** Commit 7c59e5d's 1 000 000-row reload, as recorded in the README's benchmark table (model build included). */
const BEFORE_RELOAD_SECONDS = 9.4;
/** Commit 7c59e5d's loaded model of the same reload: retained heap after GC, measured as {@link modelMemory} does, on the development machine. */
const BEFORE_MODEL_MB = 228;
const BEFORE = 'before (7c59e5d, recorded)';

/** The reload every scenario works on: 6 fields, `rows` rows. */
function benchScript(rows: number): string {
  return [
    'T: LOAD RecNo() as Id,',
    '  Mod(RecNo(), 100) as D1,',
    '  Mod(RecNo(), 7) as D2,',
    '  Chr(65 + Mod(RecNo(), 26)) as D3,',
    '  Round(Rand() * 100, 0.01) as M1,',
    '  Mod(RecNo(), 13) as M2',
    `AUTOGENERATE ${rows};`,
  ].join('\n');
}

export async function dataSuite(scale: number): Promise<Row[]> {
  const rows = Math.max(10_000, Math.round(1_000_000 * scale));
  const sim = await startServer({
    kind: 'simulator',
    options: { https: false, virtualProxies: [], site: { apps: [] } },
  });
  const client = await RpcClient.open(`${sim.engineUrl}/app/engineData/identity/bench-data`);
  const out: Row[] = [];
  try {
    await client.call(-1, 'CreateSessionApp');
    await client.call(1, 'SetScript', [benchScript(rows)]);
    const reload = await measure(1, 1, async () => {
      const answer = await client.call(1, 'DoReload');
      if ((answer.result as { qReturn?: boolean }).qReturn !== true) throw new Error('reload failed');
    });
    const reloadScenario = 'reload: AUTOGENERATE with 6 fields, the data model build included';
    out.push({ ...rowsRow(reloadScenario, reload, rows), baseline: BEFORE });
    out.push(beforeRow(reloadScenario));

    const created = await client.call(1, 'CreateSessionObject', [
      {
        qInfo: { qType: 'bench-cube' },
        qHyperCubeDef: {
          qDimensions: ['D1', 'D2', 'D3'].map((f) => ({ qDef: { qFieldDefs: [f] } })),
          qMeasures: [{ qDef: { qDef: 'Sum(M1)' } }, { qDef: { qDef: 'Avg(M2)' } }],
          qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 5, qHeight: 200 }],
        },
      },
    ]);
    const cube = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    let cells = 0;
    const layout = await measure(1, 1, async () => {
      const answer = await client.call(cube, 'GetLayout');
      cells = (answer.result as { qLayout: { qHyperCube: { qSize: { qcy: number } } } }).qLayout.qHyperCube.qSize.qcy;
    });
    out.push(rowsRow(`hypercube 3 dims × 2 measures (${cells} combinations)`, layout, rows));

    const field = (await client.call(1, 'GetField', ['D3'])).result as { qReturn: { qHandle: number } };
    const select = await measure(1, 1, async () => {
      await client.call(field.qReturn.qHandle, 'Select', ['A']);
      await client.call(cube, 'GetLayout');
    });
    out.push(rowsRow('select D3=A + recompute the hypercube', select, rows));
    const clear = await measure(1, 1, async () => {
      await client.call(1, 'ClearAll');
      await client.call(cube, 'GetLayout');
    });
    out.push(rowsRow('ClearAll + recompute the hypercube', clear, rows));
  } finally {
    client.close();
    await sim.stop();
  }
  out.push(await modelMemory(rows));
  return out;
}

/** 7c59e5d's reload as recorded (1 000 000 rows in 9.4 s): the rate the speed-up is a ratio to. */
function beforeRow(scenario: string): Row {
  const rate: Rate = {
    ops: 1,
    seconds: BEFORE_RELOAD_SECONDS,
    perSecond: 1_000_000 / BEFORE_RELOAD_SECONDS,
    p50Ms: BEFORE_RELOAD_SECONDS * 1000,
    p99Ms: BEFORE_RELOAD_SECONDS * 1000,
  };
  return {
    scenario,
    subject: BEFORE,
    rate,
    extra: `1,000,000 rows in ${BEFORE_RELOAD_SECONDS * 1000} ms (README benchmark table; 9.1 s without the model build; ops/s column = rows/s)`,
  };
}

/**
 * The memory the loaded model holds: the same reload run in this process (runScript, then
 * prepareModel as a reload does), with a full GC before and after; the figure is the growth of
 * `heapUsed` while the script's result and its associative model are still referenced. Needs
 * `--expose-gc` (`pnpm bench` passes it). Its rate is the in-process reload (no websocket, no worker).
 */
async function modelMemory(rows: number): Promise<Row> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const scenario = 'memory: the loaded model of that reload (retained heap after GC, in-process)';
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const guard = new ReloadGuard(DEFAULT_RELOAD_BUDGETS, undefined);
  let held: readonly unknown[] = [];
  const rate = await measure(1, 1, async () => {
    const loaded = await runScript(benchScript(rows), {
      dataDir: '/nonexistent',
      connections: [],
      evaluate: scriptEvaluator(),
      guard,
    });
    held = [loaded, await prepareModel(loaded, guard)];
  });
  gc?.();
  const megabytes = (process.memoryUsage().heapUsed - before) / 1e6;
  const note = gc ? '' : ' (no --expose-gc: garbage included)';
  const result: Row = {
    scenario,
    subject: 'qixflow-sim data engine',
    rate: { ...rate, perSecond: rows / rate.seconds },
    ratio: `${(BEFORE_MODEL_MB / megabytes).toFixed(2)}x less than 7c59e5d (${BEFORE_MODEL_MB} MB at 1,000,000 rows)`,
    extra: `${megabytes.toFixed(0)} MB held for ${rows.toLocaleString('en-US')} rows${note}; reload + model build in-process ${(rate.seconds * 1000).toFixed(0)} ms`,
  };
  // Read after the measurement: the model is live until here.
  if (held.length !== 2) throw new Error('reload failed');
  return result;
}

function rowsRow(scenario: string, rate: Awaited<ReturnType<typeof measure>>, rows: number): Row {
  return {
    scenario,
    subject: 'qixflow-sim data engine',
    rate: { ...rate, perSecond: rows / rate.seconds },
    extra: `${rows.toLocaleString('en-US')} rows in ${(rate.seconds * 1000).toFixed(0)} ms (ops/s column = rows/s)`,
  };
}
