#!/usr/bin/env node
// Bundles the browser side of the lineage HTML page (viewer/lineage-viewer.ts + dagre) into
// dist/lineage-viewer.js, which renderLineageHtml inlines into every page (no external URLs).
// The same options as src/internal/html/viewer-script.ts, which bundles on the fly when running
// from sources. Usage: node scripts/bundle-viewer.mjs [--out <file>]
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const out = outFlag >= 0 ? resolve(process.argv[outFlag + 1] ?? '') : join(root, 'dist', 'lineage-viewer.js');

const result = await build({
  entryPoints: [join(root, 'viewer', 'lineage-viewer.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
const text = result.outputFiles[0]?.text ?? '';
await mkdir(dirname(out), { recursive: true });
await writeFile(out, text);
console.log(`wrote ${out} (${Math.round(text.length / 1024)} kB)`);
