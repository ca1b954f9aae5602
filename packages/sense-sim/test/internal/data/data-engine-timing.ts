/**
 * Timing of the data engine on a 1 000 000-row table (3 dimension fields, 2 measure fields): model
 * build, a 3-dimension × 2-measure hypercube, and a selection followed by the recomputation.
 * Not a test. Run from the repository root:
 *
 *   node --conditions=@qixflow/source --import tsx packages/sense-sim/test/internal/data/data-engine-timing.ts
 */
import { DataEngine } from '../../../src/internal/data/data-engine.js';
import {
  type Cell,
  type Dual,
  type LoadedModel,
  numberDual,
  textDual,
} from '../../../src/internal/data/model/loaded-model.js';
import { dataTableOf } from '../../../src/internal/data/model/table-rows.js';
import { buildHyperCubeLayout } from '../../../src/internal/data/views/hypercube-shape.js';

const ROWS = 1_000_000;

/** Runs `work`, printing wall time and this process's CPU time (other processes on a busy machine inflate the first). */
function time<T>(label: string, work: () => T): T {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - start).toFixed(0).padStart(6);
  const cpuMs = ((used.user + used.system) / 1000).toFixed(0).padStart(6);
  console.log(`${label.padEnd(44)} ${wall} ms wall ${cpuMs} ms cpu`);
  return result;
}

/** A deterministic pseudo-random sequence (the same table on every run). */
function random(seed: number): () => number {
  // mulberry32: small, fast and without the correlations of a plain LCG.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function table(): LoadedModel {
  const next = random(42);
  const regions: Dual[] = Array.from({ length: 20 }, (_, i) => textDual(`Region ${i + 1}`));
  const products: Dual[] = Array.from({ length: 2000 }, (_, i) => textDual(`P${String(i).padStart(4, '0')}`));
  const years: Dual[] = Array.from({ length: 10 }, (_, i) => numberDual(2015 + i));
  const rows: Cell[][] = new Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    rows[r] = [
      regions[Math.floor(next() * regions.length)] as Dual,
      products[Math.floor(next() * products.length)] as Dual,
      years[Math.floor(next() * years.length)] as Dual,
      numberDual(Math.round(next() * 100_000) / 100),
      numberDual(1 + Math.floor(next() * 50)),
    ];
  }
  return {
    tables: [dataTableOf('Sales', ['Region', 'Product', 'Year', 'Amount', 'Quantity'], rows)],
    fieldComments: new Map(),
    fieldTags: new Map(),
    variables: new Map(),
    lineage: [],
  };
}

const cubeDef = {
  qDimensions: ['Region', 'Product', 'Year'].map((field) => ({ qDef: { qFieldDefs: [field] } })),
  qMeasures: [{ qDef: { qDef: 'Sum(Amount)' } }, { qDef: { qDef: 'Avg(Quantity)' } }],
  qInitialDataFetch: [{ qLeft: 0, qTop: 0, qWidth: 5, qHeight: 2000 }],
};

const loaded = time(`generate ${ROWS} rows (not the engine)`, table);
const engine = time('model build (symbol tables, columns, tags)', () => new DataEngine(loaded));
const layout = time('hypercube 3 dims × 2 measures + layout', () =>
  buildHyperCubeLayout(cubeDef, engine.hyperCube(cubeDef)),
);
console.log(`  rows: ${JSON.stringify(layout.qSize)}, grand totals: ${JSON.stringify(layout.qGrandTotalRow)}`);
time('Evaluate Sum(Amount * Quantity)', () => engine.evaluateText('Sum(Amount * Quantity)'));
time('select Region 3, recompute states and cube', () => {
  engine.fieldSelector('Region')?.selectValues([{ qText: 'Region 3' }]);
  const after = buildHyperCubeLayout(cubeDef, engine.hyperCube(cubeDef));
  console.log(`  rows after selection: ${JSON.stringify(after.qSize)}`);
  return after;
});
time('select Year 2020 too, list object of Product', () => {
  engine.fieldSelector('Year')?.selectValues([{ qText: '2020' }]);
  return engine.listObject({ qDef: { qFieldDefs: ['Product'] } }).page({ qLeft: 0, qTop: 0, qWidth: 1, qHeight: 50 });
});
