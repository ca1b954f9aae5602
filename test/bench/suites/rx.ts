/**
 * Reactive layouts, side by side in one run on one simulator (its own process, pinned to its own
 * core where possible): @qixflow/rx, RxQ 2 (npm `rxq`) and the plain enigma.js `on('changed') →
 * getLayout()` loop, driven by the same scenario code through one interface (`rx/contenders.ts`),
 * in rotating order over several rounds after a warm-up; medians, their spread, ratios of medians.
 *   1. quick selections — K session-object cubes, 50 selections back to back;
 *   2. paced selections — a selection every 20 ms while each layout costs the engine tens of ms;
 *   3. fan-out — 20 subscribers on each of 100 objects (and the loop without sharing);
 *   4. churn — heap per live subscription, then 10 000 subscribe/unsubscribe cycles;
 *   5. bundle — minified + gzipped size of rx's ESM entry and UMD bundle next to RxQ's.
 * `BENCH_ROUNDS` (default 5) sets the measured rounds, `BENCH_SCALE` the sizes, `BENCH_RX` a
 * comma-separated subset of the scenarios (`quick,paced,fan-out,churn,bundle`), `BENCH_PACED` the
 * engine calculation models scenario 2 runs in (`concurrent,queued`). rx runs compiled,
 * as shipped (`lib/built-package.ts`), not from its sources through tsx.
 */
import { importBuilt } from '../lib/built-package.js';
import type { Row } from '../lib/measure.js';
import { alternate, type Summary, spreadOf, summarize } from '../lib/rounds.js';
import { startServer } from '../lib/start-server.js';
import { HEAVY, HEAVY_APP, LIGHT, LIGHT_APP } from './rx/apps.js';
import { bundleSizes } from './rx/bundle-size.js';
import { type ChurnRun, churnRun } from './rx/churn.js';
import {
  type Contender,
  rxContender as makeRxContender,
  plainContender,
  type RxModule,
  rxqContender,
} from './rx/contenders.js';
import { type FanOutRun, fanOutRun } from './rx/fan-out.js';
import { type RunContext, runContext } from './rx/run-context.js';
import { type SelectionRun, selectionRun } from './rx/selections.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? '5'));
const WARM_UPS = 1;
const SCENARIOS = new Set((process.env.BENCH_RX ?? 'quick,paced,fan-out,churn,bundle').split(','));
const RX = '@qixflow/rx';
/** The calculation models scenario 2 runs in (`BENCH_PACED`, default both). */
const PACED_MODELS = (process.env.BENCH_PACED ?? 'concurrent,queued')
  .split(',')
  .filter((m): m is 'concurrent' | 'queued' => m === 'concurrent' || m === 'queued');

/** Runs `fn` against a simulator of the suite's apps in its own process, then stops it. */
async function withSimulator(
  calculations: 'inline' | 'queued' | 'concurrent',
  fn: (context: RunContext) => Promise<void>,
): Promise<void> {
  const sim = await startServer(
    { kind: 'simulator', options: { https: false, virtualProxies: [], calculations, site: { apps: [LIGHT, HEAVY] } } },
    { isolate: 'process' },
  );
  console.log(
    `\n(simulator, ${calculations} calculations: ${sim.where}; ${ROUNDS} rounds after ${WARM_UPS} warm-up, order rotating)`,
  );
  try {
    await fn(runContext(sim));
  } finally {
    await sim.stop();
  }
}

export async function rxSuite(scale: number): Promise<Row[]> {
  const rows: Row[] = [];
  const rxContender = makeRxContender(await importBuilt<RxModule>('rx'));
  const plain = plainContender(true);
  const unshared = plainContender(false);
  const contenders: Contender[] = [plain, rxContender, rxqContender];
  const rounds = (scenario: string, list: Contender[] = contenders) => ({
    contenders: list,
    rounds: ROUNDS,
    warmUps: WARM_UPS,
    onRun: (c: Contender, round: number, warmUp: boolean) =>
      process.stderr.write(`  rx ${scenario} ${warmUp ? 'warm-up' : `round ${round}`}: ${c.name}\n`),
  });
  if (SCENARIOS.has('quick') || SCENARIOS.has('fan-out') || SCENARIOS.has('churn')) {
    await withSimulator('inline', async (context) => {
      if (SCENARIOS.has('quick')) {
        const k = Math.max(20, Math.round(200 * scale));
        const runs = await alternate(rounds('quick'), (c) =>
          selectionRun(context, c, { app: LIGHT_APP, objects: k, selections: 50, intervalMs: 0 }),
        );
        rows.push(...selectionRows(`1. ${k} cubes, 50 quick selections: time to final`, runs, plain));
      }
      if (SCENARIOS.has('fan-out')) {
        const subscribers = 20;
        const runs = await alternate(rounds('fan-out', [plain, unshared, rxContender, rxqContender]), (c) =>
          fanOutRun(context, c, subscribers),
        );
        rows.push(
          ...fanOutRows(`3. ${subscribers} subscribers x 100 objects, 1 selection: time to final`, runs, unshared),
        );
      }
      if (SCENARIOS.has('churn')) {
        const live = Math.max(20, Math.round(200 * scale));
        const cycles = Math.max(1000, Math.round(10_000 * scale));
        const runs = await alternate(rounds('churn'), (c) => churnRun(context, c, live, cycles));
        rows.push(...churnRows(`4. churn: ${live} live subscriptions, then ${cycles} cycles`, runs, plain));
      }
    });
  }
  if (SCENARIOS.has('paced')) {
    // Selections are answered while layouts compute, so a superseded layout keeps the engine busy
    // unless the client cancels it. `concurrent` (a real engine's: a calculation answers for the
    // selections it was read under) first, then `queued` (a waiting calculation computes the newest
    // selections: superseded requests cost nothing extra) — see SimulatorOptions.calculations.
    for (const model of PACED_MODELS) {
      await withSimulator(model, async (context) => {
        const k = Math.max(4, Math.round(10 * scale));
        const selections = 25;
        const runs = await alternate(rounds(`paced (${model})`), (c) =>
          selectionRun(context, c, { app: HEAVY_APP, objects: k, selections, intervalMs: 20 }),
        );
        rows.push(
          ...selectionRows(
            `2${model === 'concurrent' ? '' : 'b'}. ${k} heavy cubes, ${selections} selections 20 ms apart (${model} engine): time from the last to final`,
            runs,
            plain,
          ),
        );
      });
    }
  }
  if (SCENARIOS.has('bundle')) {
    const sizes = await bundleSizes();
    for (const s of sizes) {
      rows.push({
        scenario: '5. bundle size, minified + gzip',
        subject: `${s.subject}: ${s.what}`,
        rate: { ops: s.gzipped, seconds: 0, perSecond: Number.NaN, p50Ms: Number.NaN, p99Ms: Number.NaN },
        ratio: `${(s.gzipped / 1024).toFixed(1)} KiB gz`,
        extra: `${(s.minified / 1024).toFixed(1)} KiB minified`,
      });
    }
  }
  // In scenario order (the paced scenario runs last, on a simulator of its own).
  const number = (row: Row): number => Number.parseInt(row.scenario, 10);
  return rows.sort((a, b) => number(a) - number(b));
}

function timeRow(
  scenario: string,
  contender: Contender,
  ms: Summary,
  base: { name: string; median: number } | undefined,
  extra: string,
  more = '',
): Row {
  return {
    scenario,
    subject: contender.name,
    rate: { ops: 1, seconds: ms.median / 1000, perSecond: 1000 / ms.median, p50Ms: ms.median, p99Ms: Number.NaN },
    spread: spreadOf(ms),
    ratio: base ? `${(ms.median / base.median).toFixed(2)}x time of ${base.name}${more}` : '(baseline)',
    extra,
  };
}

function medianOf<R>(runs: readonly R[], pick: (r: R) => number): number {
  return summarize(runs.map(pick)).median;
}

/** `median (min–max)` of a count over the rounds. */
function counted<R>(runs: readonly R[], pick: (r: R) => number, digits = 0): string {
  const s = summarize(runs.map(pick));
  return s.min === s.max
    ? s.median.toFixed(digits)
    : `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

function selectionRows(scenario: string, results: Map<Contender, SelectionRun[]>, baseline: Contender): Row[] {
  const base = { name: baseline.name, median: medianOf(results.get(baseline) ?? [], (r) => r.ms) };
  const others = [...results.entries()].filter(([c]) => c.name !== RX);
  const fastest = Math.min(...others.map(([, runs]) => medianOf(runs, (r) => r.ms)));
  const baseLayouts = medianOf(results.get(baseline) ?? [], (r) => r.layouts);
  return [...results.entries()].map(([contender, runs]) => {
    const ms = summarize(runs.map((r) => r.ms));
    const layouts = medianOf(runs, (r) => r.layouts);
    return timeRow(
      scenario,
      contender,
      ms,
      contender === baseline ? undefined : base,
      `GetLayout completed ${counted(runs, (r) => r.layouts)}` +
        (contender === baseline ? '' : ` (${(layouts / baseLayouts).toFixed(2)}x)`) +
        `, aborted ${counted(runs, (r) => r.aborted)}; ${counted(runs, (r) => r.requests)} requests; ` +
        `stale layouts delivered ${counted(runs, (r) => r.stale)}, after the final one ${Math.max(...runs.map((r) => r.staleAfterFinal))} (max); ` +
        `engine busy ${medianOf(runs, (r) => r.engineMs).toFixed(0)} ms; ` +
        `set-up ${medianOf(runs, (r) => r.setUpMs).toFixed(0)} ms`,
      contender.name === RX ? `; ${(ms.median / fastest).toFixed(2)}x the fastest other` : '',
    );
  });
}

function fanOutRows(scenario: string, results: Map<Contender, FanOutRun[]>, baseline: Contender): Row[] {
  const base = { name: baseline.name, median: medianOf(results.get(baseline) ?? [], (r) => r.ms) };
  return [...results.entries()].map(([contender, runs]) =>
    timeRow(
      scenario,
      contender,
      summarize(runs.map((r) => r.ms)),
      contender === baseline ? undefined : base,
      `per object: GetObject ${counted(runs, (r) => r.getObjectPerObject, 1)}, handles ${counted(runs, (r) => r.handlesPerObject, 1)}, ` +
        `GetLayout per invalidation ${counted(runs, (r) => r.layoutsPerObject, 1)}; set-up ${medianOf(runs, (r) => r.setUpMs).toFixed(0)} ms`,
    ),
  );
}

function churnRows(scenario: string, results: Map<Contender, ChurnRun[]>, baseline: Contender): Row[] {
  const baseHeap = medianOf(results.get(baseline) ?? [], (r) => r.heapPerSubscription);
  const base = { name: baseline.name, median: medianOf(results.get(baseline) ?? [], (r) => r.ms) };
  return [...results.entries()].map(([contender, runs]) => {
    const heap = medianOf(runs, (r) => r.heapPerSubscription);
    return timeRow(
      scenario,
      contender,
      summarize(runs.map((r) => r.ms)),
      contender === baseline ? undefined : base,
      `heap per live subscription ${(heap / 1024).toFixed(1)} KiB` +
        (contender === baseline ? '' : ` (${(heap / baseHeap).toFixed(2)}x)`) +
        ` (${spreadOf(summarize(runs.map((r) => r.heapPerSubscription / 1024)), 1)}); ` +
        `after the cycles: engine handles +${Math.max(...runs.map((r) => r.leftoverHandles))}, running requests ${Math.max(...runs.map((r) => r.leftoverRequests))} (max); ` +
        `heap left behind ${(medianOf(runs, (r) => r.heapLeftBehind) / 1024).toFixed(0)} KiB`,
    );
  });
}
