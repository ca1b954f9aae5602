/**
 * Scenario 5: what rx costs a page — minified + gzipped sizes, built here with esbuild, next to RxQ
 * 2's. ESM: everything the entry exports, and a typical import (a layout stream of an object by id
 * and of a session object) tree-shaken, rxjs external for both (an app has its own). UMD: the bundle
 * an extension loads, minified; rx's excludes rxjs (loaded next to it), RxQ's published bundle
 * includes its rxjs 6, so rx's row with rxjs's own UMD bundle is printed too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

export interface BundleSize {
  subject: string;
  what: string;
  minified: number;
  gzipped: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = join(here, '..', '..');
const rxDir = join(benchDir, '..', '..', 'packages', 'rx');
const require = createRequire(join(benchDir, 'package.json'));

async function esm(source: string, resolveDir: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2018'],
    minify: true,
    external: ['rxjs', 'rxjs/*'],
    conditions: ['@qixflow/source'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

function size(subject: string, what: string, code: string): BundleSize {
  return { subject, what, minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length };
}

export async function bundleSizes(): Promise<BundleSize[]> {
  const rxqEsm = join(dirname(require.resolve('rxq/package.json')), '_esm2015');
  const sizes = [
    size('@qixflow/rx', 'ESM entry, every export', await esm(`export * from '@qixflow/rx';`, benchDir)),
    size(
      '@qixflow/rx',
      'ESM, objectLayout + sessionObjectLayout',
      await esm(`export { objectLayout, sessionObjectLayout } from '@qixflow/rx';`, benchDir),
    ),
    size('RxQ 2', 'ESM entry, every export', await esm(`export * from './index.js';`, rxqEsm)),
    size(
      'RxQ 2',
      'ESM, connectSession + qAsk + the methods used',
      await esm(
        `export { connectSession, qAsk } from './index.js';
         export { OpenDoc } from './Global/index.js';
         export { GetObject, CreateSessionObject, DestroySessionObject } from './Doc/index.js';
         export { GetLayout } from './GenericObject/index.js';`,
        rxqEsm,
      ),
    ),
  ];
  const out = await mkdtemp(join(tmpdir(), 'qixflow-bench-umd-'));
  try {
    execFileSync(process.execPath, [join(rxDir, 'scripts', 'bundle-umd.mjs'), '--out-dir', out], { stdio: 'ignore' });
    const umd = (await transform(await readFile(join(out, 'qixflow-rx.umd.cjs'), 'utf8'), { minify: true })).code;
    const rxjsUmd = await readFile(
      join(dirname(require.resolve('rxjs/package.json')), 'dist', 'bundles', 'rxjs.umd.min.js'),
      'utf8',
    );
    sizes.push(size('@qixflow/rx', 'UMD bundle, minified (rxjs loaded next to it)', umd));
    sizes.push(size('@qixflow/rx', 'UMD bundle + rxjs 7 UMD (what an extension loads)', umd + rxjsUmd));
    sizes.push(
      size(
        'RxQ 2',
        'UMD bundle as published (rxq.bundle.min.js, rxjs 6 inside)',
        await readFile(join(dirname(require.resolve('rxq/package.json')), 'bundle', 'rxq.bundle.min.js'), 'utf8'),
      ),
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return sizes;
}
