#!/usr/bin/env node
// Builds the single-file UMD bundle of @qixflow/rx for browsers and Qlik Sense extensions:
//   dist/qixflow-rx.umd.cjs — AMD `define(['rxjs'], …)` (RequireJS, as Qlik Sense loads extensions),
//   CommonJS `require('rxjs')`, or the global `qixflowRx` next to a global `rxjs`.
//   `.cjs` because the package is `"type": "module"`: Node would load a `.js` file here as ESM,
//   where `module`/`define` do not exist; browsers and RequireJS ignore the extension.
// and assembles the example extension, ready to zip and import in the QMC / Dev Hub:
//   dist/extension/qixflow-rx-demo/ (qext, js, the bundle, rxjs's own UMD bundle).
// Usage: node scripts/bundle-umd.mjs [--out-dir <dir>]
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out-dir');
const outDir = outFlag >= 0 ? resolve(process.argv[outFlag + 1] ?? '') : join(root, 'dist');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const result = await build({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  write: false,
  // CommonJS inside the UMD wrapper below: `require('rxjs')` is served by the wrapper.
  format: 'cjs',
  platform: 'browser',
  target: ['es2018'],
  external: ['rxjs'],
  conditions: ['@qixflow/source'],
  legalComments: 'none',
  logLevel: 'warning',
});
const body = result.outputFiles[0]?.text ?? '';
if (/\brequire\(["'](?!rxjs["'])/.test(body) || /["']node:/.test(body)) {
  throw new Error('bundle-umd: the bundle requires something other than rxjs — src must stay browser-safe');
}

const umd = `/*! @qixflow/rx ${pkg.version} | MIT | UMD: AMD define(['rxjs'], …), CommonJS, or global qixflowRx (with a global rxjs 7) */
(function (root, factory) {
  if (typeof define === 'function' && define.amd) define(['rxjs'], factory);
  else if (typeof module === 'object' && module.exports) module.exports = factory(require('rxjs'));
  else root.qixflowRx = factory(root.rxjs);
})(typeof globalThis !== 'undefined' ? globalThis : typeof self !== 'undefined' ? self : this, function (rxjs) {
  'use strict';
  if (!rxjs || typeof rxjs.Observable !== 'function') {
    throw new Error('@qixflow/rx needs rxjs 7: an AMD module "rxjs" or a global rxjs loaded first');
  }
  var module = { exports: {} };
  var exports = module.exports;
  var require = function (id) {
    if (id === 'rxjs') return rxjs;
    throw new Error('@qixflow/rx: unexpected dependency ' + id);
  };
${body}
  return module.exports;
});
`;

await mkdir(outDir, { recursive: true });
const bundlePath = join(outDir, 'qixflow-rx.umd.cjs');
await writeFile(bundlePath, umd);

// The example extension, self-contained: its js, its qext, this bundle and rxjs's UMD bundle.
const extensionDir = join(outDir, 'extension', 'qixflow-rx-demo');
await mkdir(extensionDir, { recursive: true });
const example = join(root, 'examples', 'extension');
for (const file of ['qixflow-rx-demo.qext', 'qixflow-rx-demo.js', 'README.md']) {
  await copyFile(join(example, file), join(extensionDir, file));
}
// Inside the extension the bundle keeps `.js`: RequireJS appends `.js` to the module id `./qixflow-rx.umd`.
await copyFile(bundlePath, join(extensionDir, 'qixflow-rx.umd.js'));
const rxjsBundle = join(
  dirname(createRequire(import.meta.url).resolve('rxjs/package.json')),
  'dist/bundles/rxjs.umd.min.js',
);
await copyFile(rxjsBundle, join(extensionDir, 'rxjs.umd.min.js'));

console.log(`bundle-umd: ${bundlePath} (${(umd.length / 1024).toFixed(1)} KiB), extension in ${extensionDir}`);
