/**
 * `pnpm bench`: side-by-side benchmarks, printed as tables with ratios to the baseline of each
 * scenario. Not tests: nothing here asserts a time. `BENCH_SCALE=0.2 pnpm bench` for a quick run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { printRows, type Row } from './lib/measure.js';
import { changesSuite } from './suites/changes.js';
import { coreSuite } from './suites/core.js';
import { dataSuite } from './suites/data.js';
import { engineSuite } from './suites/engine.js';
import { lineageSuite } from './suites/lineage.js';
import { proxySuite } from './suites/proxy.js';
import { responsivenessSuite } from './suites/responsiveness.js';
import { rxSuite } from './suites/rx.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const only = process.env.BENCH_ONLY;
const suites: { title: string; run: (scale: number) => Promise<Row[]> }[] = [
  { title: 'Virtual proxy (sense-sim) vs bare node:https', run: proxySuite },
  { title: 'QIX engine (sense-sim) vs bare ws JSON-RPC echo', run: engineSuite },
  { title: '@qixflow/core vs the naive way and plain enigma.js', run: coreSuite },
  { title: 'Data engine (sense-sim): reload, hypercube, selection', run: dataSuite },
  { title: 'Responsiveness (sense-sim) while a big reload runs, and abort latency', run: responsivenessSuite },
  { title: 'Reactive layouts: @qixflow/rx vs RxQ 2 vs plain enigma.js', run: rxSuite },
  { title: 'Lineage crawl: @qixflow/lineage vs the naive script', run: lineageSuite },
  { title: 'Site changes: site.changes() vs a full listing each interval', run: changesSuite },
];

console.log(`# qixflow benchmarks — node ${process.version}, ${cpus().length} cores, scale ${scale}`);
const all: Record<string, Row[]> = {};
for (const suite of suites.filter((s) => !only || s.title.toLowerCase().includes(only.toLowerCase()))) {
  const rows = await suite.run(scale);
  all[suite.title] = rows;
  printRows(suite.title, rows);
}
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(all, null, 2)}\n`);
console.log('\n(results also written to test/bench/results/latest.json)');
