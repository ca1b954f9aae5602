import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '@qixflow/sense-sim';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from '../../../test/support/chromium.js';
import { extractSiteLineage, type LineageGraph, renderLineageHtml } from '../src/index.js';
import { GraphQuery } from './support/graph-queries.js';
import { DEMO, siteFor, startSimulator } from './support/simulator.js';

const output = join(dirname(fileURLToPath(import.meta.url)), 'output');

interface ViewerState {
  ready: boolean;
  errors: string[];
  nodeCount: number;
  visibleCount: number;
  matches: string[];
  upstream: string[];
  downstream: string[];
}

let sim: Simulator;
let out: string;
let graph: LineageGraph;
let html: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const foreign: string[] = [];

const viewer = (): Promise<ViewerState> =>
  page.evaluate(() => {
    const l = (globalThis as unknown as { __lineage: ViewerState }).__lineage;
    return {
      ready: l.ready,
      errors: l.errors,
      nodeCount: l.nodeCount,
      visibleCount: l.visibleCount,
      matches: l.matches,
      upstream: l.upstream,
      downstream: l.downstream,
    };
  });

beforeAll(async () => {
  requireChromium('the HTML test');
  sim = await startSimulator('demo');
  const site = siteFor(sim);
  out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-html-'));
  await extractSiteLineage(site, { outDir: out, formats: ['json', 'html'], host: 'sense.demo', concurrency: 5 });
  await site.close();
  graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
  html = await readFile(join(out, 'lineage.html'), 'utf8');
  // Served from 127.0.0.1 like any local file server; the page must not need anything else.
  server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/lineage.html')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium(chromium);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) foreign.push(r.url());
  });
  await page.goto(`${origin}/lineage.html`);
  await page.waitForFunction(
    () => (globalThis as unknown as { __lineage?: { ready: boolean } }).__lineage?.ready === true,
    null,
    { timeout: 30_000 },
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await sim?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the lineage HTML page', () => {
  it('is self-contained: cytoscape and the data inline, no external URL loaded or referenced', async () => {
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).toContain('id="lineage-data"');
    expect(foreign).toEqual([]);
    const state = await viewer();
    expect(state.errors).toEqual([]);
    expect(state.nodeCount).toBe(graph.nodes.length);
    // Field-level kinds start hidden.
    expect(state.visibleCount).toBe(
      graph.nodes.filter((n) => !['DatasetField', 'ScriptField', 'ModelField'].includes(n.kind)).length,
    );
  });

  it('searches node names', async () => {
    const matches = await page.evaluate(() =>
      (globalThis as unknown as { __lineage: { search(q: string): string[] } }).__lineage.search('orders.qvd'),
    );
    const q = new GraphQuery(graph);
    expect(matches.sort()).toEqual(
      [
        q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', DEMO.extract).id,
        q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', DEMO.transform).id,
      ].sort(),
    );
    await page.fill('#search', 'sales by geo');
    expect((await viewer()).matches).toEqual([q.one('Visualization', 'Sales by Geography', DEMO.dashboard).id]);
    expect(await page.textContent('#status')).toBe('1 match');
  });

  it('highlights upstream and downstream of a master measure: from dbo.OrderLines to the charts and sheets', async () => {
    const q = new GraphQuery(graph);
    const total = q.one('MasterMeasure', 'Total Sales', DEMO.dashboard);
    await page.evaluate(
      (id) => (globalThis as unknown as { __lineage: { select(id: string): void } }).__lineage.select(id),
      total.id,
    );
    const state = await viewer();
    expect(state.upstream).toContain(q.field('DatasetField', 'dbo.OrderLines', 'Quantity', DEMO.extract).id);
    expect(state.upstream).toContain(q.field('ScriptField', 'SalesFact', 'Sales', DEMO.transform).id);
    expect(state.upstream).not.toContain(q.field('DatasetField', 'dbo.Customers', 'CustomerName', DEMO.extract).id);
    const charts = q.edges('REFERENCES', undefined, total.id).map((e) => e.from);
    expect(charts).toHaveLength(7);
    for (const c of charts) expect(state.downstream).toContain(c);
    expect(state.downstream).toContain(q.one('Sheet', 'Sales Overview', DEMO.dashboard).id);
    expect(await page.textContent('#details h2')).toBe('Total Sales');
    await mkdir(output, { recursive: true });
    await page.screenshot({ path: join(output, 'lineage-demo-total-sales.png') });
  });

  it('follows a QVD chain across apps when a dataset is clicked', async () => {
    const q = new GraphQuery(graph);
    const orders = q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', DEMO.extract);
    const box = await page.evaluate((id) => {
      const l = (globalThis as unknown as { __lineage: { select(id: string): void } }).__lineage;
      l.select(id);
      return true;
    }, orders.id);
    expect(box).toBe(true);
    const state = await viewer();
    expect(state.upstream).toContain(q.one('ExternalDataset', 'dbo.Orders', DEMO.extract).id);
    expect(state.downstream).toContain(q.one('ExternalDataset', 'lib://QVDs/sales/Orders.qvd', DEMO.transform).id);
    expect(state.downstream).toContain(q.one('ExternalDataset', 'lib://QVDs/model/SalesFact.qvd', DEMO.dashboard).id);
    await page.screenshot({ path: join(output, 'lineage-demo-orders-qvd.png') });
  });

  it('renders a graph given in memory the same way (renderLineageHtml)', async () => {
    const page2 = await renderLineageHtml(graph, { title: 'Demo <lineage>' });
    expect(page2).toContain('<title>Demo &lt;lineage&gt;</title>');
    expect(page2.length).toBeGreaterThan(400_000);
    // The data survives its escaping: the JSON in the page is the graph.
    const start = page2.indexOf('id="lineage-data">') + 'id="lineage-data">'.length;
    expect(JSON.parse(page2.slice(start, page2.indexOf('</script>', start)))).toEqual(graph);
  });
});
