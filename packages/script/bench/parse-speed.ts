/**
 * Parse-speed measurement (not a test): builds a ~5 000-line script from the demo apps' scripts and
 * the classic ctrl00 script, then times parseScript / printScript.
 *
 *   node --conditions=@qixflow/source --import tsx packages/script/bench/parse-speed.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExpression, parseScript, printScript } from '../src/index.js';

const appsDir = fileURLToPath(new URL('../../sense-sim/demo-site/apps/', import.meta.url));
const scripts = readdirSync(appsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => (JSON.parse(readFileSync(join(appsDir, f), 'utf8')) as { script: string }).script);
const ctrl00 = readFileSync(fileURLToPath(new URL('../test/fixtures/ctrl00.qvs', import.meta.url)), 'utf8');

let text = '';
let copy = 0;
while (text.split('\n').length < 5000) {
  for (const s of [...scripts, ctrl00]) text += `///$tab Copy ${copy++}\n${s}\n`;
}
const lines = text.split('\n').length;

function time(label: string, runs: number, fn: () => unknown): void {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  const min = samples[0] ?? 0;
  console.log(`${label.padEnd(44)} median ${median.toFixed(2)} ms   min ${min.toFixed(2)} ms`);
}

const { ast, diagnostics } = parseScript(text);
console.log(
  `script: ${lines} lines, ${text.length} chars, ${ast.body.length} statements, ${diagnostics.length} diagnostics`,
);
time('parseScript', 30, () => parseScript(text));
time('parseScript with a variable environment', 30, () => parseScript(text, { variables: {} }));
time('printScript', 30, () => printScript(ast));
const expr = "Sum({<Year={2024}, Region-={'EU'}>} DISTINCT Sales * (1 - Discount)) / Count(TOTAL <Region> OrderID)";
time('parseExpression x 1000', 10, () => {
  for (let i = 0; i < 1000; i++) parseExpression(expr);
});
