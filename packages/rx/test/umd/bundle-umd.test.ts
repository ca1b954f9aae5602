import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Simulator } from '@qixflow/sense-sim';
import * as rxjs from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openApp, startSimulator } from '../helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let outDir: string;
let bundle: string;

/** Evaluates a script the way a browser would, with the given globals visible to it. */
function evaluate(code: string, globals: Record<string, unknown>): void {
  const names = Object.keys(globals);
  new Function(...names, code)(...names.map((n) => globals[n]));
}

/** A minimal AMD `define` that records what a module asks for. */
function amd(): {
  define: ((...args: unknown[]) => void) & { amd: object };
  calls: { deps: string[]; factory: (...a: unknown[]) => unknown }[];
} {
  const calls: { deps: string[]; factory: (...a: unknown[]) => unknown }[] = [];
  const define = Object.assign(
    (...args: unknown[]) => {
      const [deps, factory] = args.length === 3 ? args.slice(1) : args;
      calls.push({ deps: deps as string[], factory: factory as (...a: unknown[]) => unknown });
    },
    { amd: {} },
  );
  return { define, calls };
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'qixflow-rx-umd-'));
  await promisify(execFile)(process.execPath, [join(root, 'scripts/bundle-umd.mjs'), '--out-dir', outDir]);
  bundle = await readFile(join(outDir, 'qixflow-rx.umd.cjs'), 'utf8');
}, 60_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('the UMD bundle (scripts/bundle-umd.mjs)', () => {
  it('is one browser-safe file whose only dependency is rxjs', () => {
    expect(bundle.startsWith('/*! @qixflow/rx')).toBe(true);
    expect(bundle).not.toMatch(/["']node:/);
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['rxjs']));
  });

  it("registers with RequireJS as define(['rxjs'], factory), as Qlik Sense loads extensions", () => {
    const { define, calls } = amd();
    evaluate(bundle, { define, module: undefined });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.deps).toEqual(['rxjs']);
    const api = calls[0]!.factory(rxjs) as Record<string, unknown>;
    for (const name of [
      'objectLayout',
      'sessionObjectLayout',
      'appLayout',
      'refetchOnChange',
      'selectAndWait',
      'RxQixError',
    ]) {
      expect(typeof api[name]).toBe('function');
    }
  });

  it('sets the global qixflowRx next to a global rxjs (plain script tags)', () => {
    const host = globalThis as { rxjs?: unknown; qixflowRx?: Record<string, unknown> };
    host.rxjs = rxjs;
    try {
      evaluate(bundle, { define: undefined, module: undefined });
      expect(typeof host.qixflowRx?.objectList).toBe('function');
    } finally {
      delete host.rxjs;
      delete host.qixflowRx;
    }
  });

  it('says what is missing when rxjs is not there', () => {
    const { define, calls } = amd();
    evaluate(bundle, { define, module: undefined });
    expect(() => calls[0]!.factory(undefined)).toThrow('@qixflow/rx needs rxjs 7');
  });

  it('assembles the example extension with its files', async () => {
    expect((await readdir(join(outDir, 'extension', 'qixflow-rx-demo'))).sort()).toEqual([
      'README.md',
      'qixflow-rx-demo.js',
      'qixflow-rx-demo.qext',
      'qixflow-rx.umd.js',
      'rxjs.umd.min.js',
    ]);
    const qext = JSON.parse(
      await readFile(join(outDir, 'extension', 'qixflow-rx-demo', 'qixflow-rx-demo.qext'), 'utf8'),
    );
    expect(qext.type).toBe('visualization');
  });
});

describe('the example extension module', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('points RequireJS at its rxjs copy, loads the bundle and renders the sheets from enigmaModel', async () => {
    const source = await readFile(join(root, 'examples/extension/qixflow-rx-demo.js'), 'utf8');
    const { define, calls } = amd();
    const configs: unknown[] = [];
    const requirejs = { defined: () => false, config: (c: unknown) => configs.push(c) };
    const document = {
      currentScript: { src: 'https://sense.example.com/extensions/qixflow-rx-demo/qixflow-rx-demo.js' },
    };
    evaluate(source, { define, requirejs, document });
    expect(configs).toEqual([{ paths: { rxjs: 'https://sense.example.com/extensions/qixflow-rx-demo/rxjs.umd.min' } }]);
    expect(calls[0]!.deps).toEqual(['qlik', './qixflow-rx.umd']);

    // what RequireJS would do: the bundle's factory with rxjs, then the extension's factory
    const bundleDefine = amd();
    evaluate(bundle, { define: bundleDefine.define, module: undefined });
    const rx = bundleDefine.calls[0]!.factory(rxjs);
    const { doc, close } = await openApp(sim);
    const qlik = { currApp: () => ({ model: { enigmaModel: doc } }), Promise };
    const extension = calls[0]!.factory(qlik, rx) as { paint: (this: unknown, $element: unknown) => Promise<void> };

    const destroyers: (() => void)[] = [];
    const instance = {
      $scope: { $on: (event: string, fn: () => void) => event === '$destroy' && destroyers.push(fn) },
    };
    const element = { innerHTML: '' };
    await extension.paint.call(instance, [element]);
    await extension.paint.call(instance, [element]); // a second paint does not subscribe again
    await eventually(() => element.innerHTML.includes('Customers &amp; Products'), 3000, 'rendered sheets');
    expect(element.innerHTML).toContain('Sales Overview');
    expect(element.innerHTML).toContain('Sales Dashboard');
    expect(destroyers).toHaveLength(1);
    destroyers[0]!();
    await close();
  });
});
