import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Simulator } from '@qixflow/sense-sim';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from '../../../../test/support/chromium.js';
import { FINANCE, openApp, startSimulator } from '../helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const output = join(root, 'test', 'output');

let sim: Simulator;
let browser: Browser;
let page: Page;
let workDir: string;
/** Serves the page from 127.0.0.1: Chromium's Local Network Access checks refuse a websocket to
 * 127.0.0.1 from a page of a non-local origin. */
let server: Server | undefined;
let origin: string;

interface PageState {
  ready: boolean;
  titles: string[];
  sheets: string[][];
  states: string[];
  errors: string[];
}

const pageState = (): Promise<PageState> => page.evaluate(() => (window as unknown as { __rx: PageState }).__rx);

beforeAll(async () => {
  requireChromium('the browser test');
  sim = await startSimulator();
  workDir = await mkdtemp(join(tmpdir(), 'qixflow-rx-browser-'));
  await promisify(execFile)(process.execPath, [join(root, 'scripts/bundle-umd.mjs'), '--out-dir', workDir]);
  const pageScript = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    loader: { '.json': 'json' },
    logLevel: 'warning',
  });
  const files: Record<string, { body: string | Buffer; type: string }> = {
    '/index.html': {
      type: 'text/html',
      body: `<!doctype html><html><head><meta charset="utf-8"><title>@qixflow/rx in Chromium</title>
<style>body{font:16px sans-serif;margin:24px} #state{color:#666}</style></head>
<body><h1 id="title">…</h1><div>session: <span id="state">…</span></div><ul id="sheets"></ul><pre id="error"></pre>
<script src="/rxjs.umd.min.js"></script><script src="/qixflow-rx.umd.js"></script><script src="/page.js"></script>
</body></html>`,
    },
    '/rxjs.umd.min.js': {
      type: 'text/javascript',
      body: await readFile(join(workDir, 'extension', 'qixflow-rx-demo', 'rxjs.umd.min.js')),
    },
    '/qixflow-rx.umd.js': { type: 'text/javascript', body: await readFile(join(workDir, 'qixflow-rx.umd.cjs')) },
    '/page.js': { type: 'text/javascript', body: pageScript.outputFiles[0]?.text ?? '' },
  };
  browser = await launchChromium(chromium);
  const pages = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' });
    res.end(file?.body ?? 'not found');
  });
  server = pages;
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await sim?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('@qixflow/rx in a real Chromium', () => {
  it('shows the app layout from the UMD bundle and follows changes and a socket drop', async () => {
    const url = `${origin}/index.html?engine=${encodeURIComponent(sim.engineUrl ?? '')}&app=${FINANCE}`;
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('title')?.textContent === 'Finance', undefined, {
      timeout: 10_000,
    });
    await page.waitForFunction(() => (document.getElementById('sheets')?.children.length ?? 0) > 0);
    let state = await pageState();
    expect(state.errors).toEqual([]);
    expect(state.titles).toEqual(['Finance']);

    // a change made by another client reaches the page through a pushed change list
    const other = await openApp(sim, { app: FINANCE });
    const props = await other.doc.getAppProperties();
    await other.doc.setAppProperties({ ...props, qTitle: 'Finance (renamed from Node)' });
    await page.waitForFunction(
      () => document.getElementById('title')?.textContent === 'Finance (renamed from Node)',
      undefined,
      { timeout: 10_000 },
    );

    // the socket drops: the page's session suspends, resumes, and the streams carry on
    sim.control.dropSockets();
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'resumed', undefined, {
      timeout: 10_000,
    });
    await other.close();
    const again = await openApp(sim, { app: FINANCE });
    await again.doc.setAppProperties({ ...props, qTitle: 'Finance' });
    await page.waitForFunction(() => document.getElementById('title')?.textContent === 'Finance', undefined, {
      timeout: 10_000,
    });
    state = await pageState();
    expect(state.titles).toEqual(['Finance', 'Finance (renamed from Node)', 'Finance']);
    expect(state.states).toEqual(['connected', 'suspended', 'resumed']);
    expect(state.errors).toEqual([]);

    await mkdir(output, { recursive: true });
    await page.screenshot({ path: join(output, 'browser-app-layout.png') });
    expect(existsSync(join(output, 'browser-app-layout.png'))).toBe(true);
    await again.close();
  });
});
