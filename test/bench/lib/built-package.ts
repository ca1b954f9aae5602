/**
 * Loads a workspace package the way its users run it: compiled JavaScript, not the TypeScript
 * sources through tsx. tsx compiles with esbuild's `keepNames`, which calls `Object.defineProperty`
 * (`name`) on every function it creates at run time: each closure then carries its own property
 * store (256 bytes) and the call costs time — a tax the published build does not pay, and one that
 * would weigh on the per-subscription and per-call figures of rx and core (RxQ and enigma.js are
 * plain JavaScript). esbuild bundles the package's sources into `node_modules/.cache/` of the
 * package (dependencies stay external and resolve from there), once per bench run.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');
const loaded = new Map<string, Promise<unknown>>();

/** `import('@qixflow/<name>')`, compiled as shipped. */
export function importBuilt<M>(name: 'rx' | 'core'): Promise<M> {
  let module = loaded.get(name);
  if (!module) {
    module = compile(name);
    loaded.set(name, module);
  }
  return module as Promise<M>;
}

async function compile(name: string): Promise<unknown> {
  const root = join(packagesDir, name);
  const outfile = join(root, 'node_modules', '.cache', 'qixflow-bench', 'index.mjs');
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, 'src', 'index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
