import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '@qixflow/sense-sim';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from '../../../test/support/chromium.js';
import { downstream, type LineageGraph, renderLineageHtml, upstream } from '../src/index.js';
import { GraphQuery } from './support/graph-queries.js';
import { DEMO, startSimulator } from './support/simulator.js';
import {
  crawlToHtml,
  drawnEdges,
  drawnNodes,
  labelSizes,
  nodesOnScreen,
  serveViewer,
  type ViewerPage,
  viewerState,
} from './support/viewer-page.js';

const output = join(dirname(fileURLToPath(import.meta.url)), 'output');

let sim: Simulator;
let out: string;
let graph: LineageGraph;
let html: string;
let browser: Browser;
let viewer: ViewerPage;
let page: Page;

/** The identities of the datasets an app reads (READS) or writes (WRITES), from the graph itself. */
function datasetsOf(appId: string, kind: 'READS' | 'WRITES'): Set<string> {
  const q = new GraphQuery(graph);
  const out = new Set<string>();
  for (const e of q.edges(kind)) {
    const statement = q.node(e.from);
    const dataset = q.node(e.to);
    if (statement?.appId === appId && dataset?.kind === 'ExternalDataset')
      out.add(`dataset:${dataset.attributes.identity}`);
  }
  return out;
}

const shot = async (name: string) => {
  await mkdir(output, { recursive: true });
  await page.screenshot({ path: join(output, name) });
};

beforeAll(async () => {
  requireChromium('the HTML test');
  sim = await startSimulator('demo');
  ({ out, graph, html } = await crawlToHtml(sim, { host: 'sense.demo', concurrency: 5 }));
  browser = await launchChromium(chromium);
  viewer = await serveViewer(browser, html);
  page = viewer.page;
  await viewer.open();
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  await browser?.close();
  await sim?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the lineage HTML page (demo site, 5 apps)', () => {
  it('is self-contained: dagre, the viewer and the data inline, no external URL loaded or referenced', async () => {
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).toContain('id="lineage-data"');
    expect(viewer.foreign).toEqual([]);
    const state = await viewerState(page);
    expect(state.errors).toEqual([]);
    expect(state.nodeCount).toBe(graph.nodes.length);
  });

  it('starts on a legible overview: every app and dataset once, at most 60 nodes, labels of 11 px or more', async () => {
    const drawn = await drawnNodes(page);
    const apps = graph.nodes.filter((n) => n.kind === 'App');
    const qvds = graph.nodes.filter((n) => n.kind === 'ExternalDataset' && n.attributes.datasetType === 'qvd');
    const qvdIdentities = new Set(qvds.map((n) => (n.kind === 'ExternalDataset' ? n.attributes.identity : '')));
    // The graph holds one copy of a QVD per app touching it; the page draws one node per QVD.
    expect(qvds.length).toBeGreaterThan(qvdIdentities.size);
    const drawnQvds = drawn.filter((n) => n.kind === 'qvd');
    expect(drawnQvds.map((n) => n.id).sort()).toEqual([...qvdIdentities].map((i) => `dataset:${i}`).sort());
    expect(drawn.filter((n) => n.label === 'Orders.qvd')).toHaveLength(1);
    expect(
      drawn
        .filter((n) => n.kind === 'app')
        .map((n) => n.label)
        .sort(),
    ).toEqual(apps.map((a) => a.name).sort());
    // Every dataset between apps once; INLINE and AUTOGENERATE tables (inside one app) start hidden.
    const physical = new Set(
      graph.nodes.flatMap((n) =>
        n.kind === 'ExternalDataset' && !['inline', 'autogenerate'].includes(n.attributes.datasetType)
          ? [`dataset:${n.attributes.identity}`]
          : [],
      ),
    );
    expect(new Set(drawn.filter((n) => n.kind !== 'app').map((n) => n.id))).toEqual(physical);
    expect(await page.isChecked('#filters input[data-kind="other"]')).toBe(false);
    expect(drawn.length).toBeLessThanOrEqual(60);
    expect(new Set(drawn.map((n) => n.id)).size).toBe(drawn.length);
    const sizes = await labelSizes(page);
    console.log(`[html demo] overview: ${drawn.length} nodes, smallest label ${sizes.min.toFixed(2)} px`);
    expect(sizes.visible).toBeGreaterThan(drawn.length);
    expect(sizes.min).toBeGreaterThanOrEqual(11);
    // All of it on screen at that size.
    expect(await nodesOnScreen(page)).toBe(drawn.length);
    // The apps between their datasets: Sales Extract writes Orders.qvd, Sales Transform reads it.
    const edges = await drawnEdges(page);
    expect(edges).toContainEqual({
      from: `app:${DEMO.extract}`,
      to: 'dataset:lib://qvds/sales/orders.qvd',
      transitive: false,
      onPath: false,
    });
    expect(edges).toContainEqual({
      from: 'dataset:lib://qvds/sales/orders.qvd',
      to: `app:${DEMO.transform}`,
      transitive: false,
      onPath: false,
    });
    await shot('lineage-demo-overview.png');
  });

  it('marks everything upstream and downstream of an app clicked in the overview', async () => {
    await page.click(`#graph g.node[data-id="app:${DEMO.transform}"]`);
    const drawn = await drawnNodes(page);
    const marked = (h: string) => new Set(drawn.filter((n) => n.highlight === h).map((n) => n.id));
    // Upstream: what it reads, the app that writes those QVDs and that app's database tables.
    for (const id of datasetsOf(DEMO.transform, 'READS')) expect(marked('up')).toContain(id);
    expect(marked('up')).toContain(`app:${DEMO.extract}`);
    expect(marked('up')).toContain('dataset:db://salesdb/dbo.orders');
    // Downstream: what it writes and the apps that read those.
    for (const id of datasetsOf(DEMO.transform, 'WRITES')) expect(marked('down')).toContain(id);
    expect(marked('down')).toContain(`app:${DEMO.dashboard}`);
    expect(marked('down')).toContain(`app:${DEMO.finance}`);
    // HR has nothing to do with it.
    expect(marked('up')).not.toContain(`app:${DEMO.hr}`);
    expect(marked('down')).not.toContain(`app:${DEMO.hr}`);
    const counts = (await page.textContent('#details .counts')) ?? '';
    expect(counts).toContain(`${marked('up').size} upstream · ${marked('down').size} downstream`);
    await shot('lineage-demo-overview-app-selected.png');
    // A click on the background clears it.
    await page.mouse.click(600, 870);
    expect((await drawnNodes(page)).filter((n) => n.highlight !== '')).toEqual([]);
  });

  it('searches, focuses a dataset with its N-hop neighbourhood, deepens and expands a neighbour', async () => {
    await page.fill('#search', 'orders.qvd');
    expect(await page.textContent('#results')).toContain('Orders.qvd');
    await page.press('#search', 'Enter');
    const orders = 'dataset:lib://qvds/sales/orders.qvd';
    expect((await viewerState(page)).state).toMatchObject({ mode: 'focus', focus: orders, depth: 2 });
    let drawn = await drawnNodes(page);
    const role = (id: string) => drawn.find((n) => n.id === id)?.role;
    expect(role(orders)).toBe('focus');
    expect(role(`app:${DEMO.extract}`)).toBe('up');
    expect(role('dataset:db://salesdb/dbo.orders')).toBe('up');
    expect(role(`app:${DEMO.transform}`)).toBe('down');
    expect(role('dataset:lib://qvds/model/salesfact.qvd')).toBe('down');
    // Two hops: Sales Dashboard (three hops away) is not there yet.
    expect(role(`app:${DEMO.dashboard}`)).toBeUndefined();
    await page.click('#depth-up');
    drawn = await drawnNodes(page);
    expect(role(`app:${DEMO.dashboard}`)).toBe('down');
    expect((await viewerState(page)).state.depth).toBe(3);
    // Expand a neighbour: Sales Transform's other inputs join the view.
    expect(role('dataset:lib://datafiles/regions.csv')).toBeUndefined();
    await page.click(`#graph g.node[data-id="app:${DEMO.transform}"]`);
    await page.click('#details button:text("Expand neighbours")');
    drawn = await drawnNodes(page);
    expect(role('dataset:lib://datafiles/regions.csv')).toBe('side');
    expect(drawn.length).toBeLessThanOrEqual(60);
    expect((await labelSizes(page)).min).toBeGreaterThanOrEqual(11);
    await shot('lineage-demo-search-focus-expand.png');
  });

  it('shows an app between its upstream and downstream (deep link by name)', async () => {
    await viewer.open('#focus=Sales%20Transform&depth=1');
    const transform = `app:${DEMO.transform}`;
    const drawn = await drawnNodes(page);
    const reads = datasetsOf(DEMO.transform, 'READS');
    const writes = datasetsOf(DEMO.transform, 'WRITES');
    expect(reads.size).toBeGreaterThan(0);
    expect(writes.size).toBeGreaterThan(0);
    expect(new Set(drawn.filter((n) => n.role === 'up').map((n) => n.id))).toEqual(reads);
    expect(new Set(drawn.filter((n) => n.role === 'down').map((n) => n.id))).toEqual(writes);
    expect(drawn.find((n) => n.role === 'focus')?.id).toBe(transform);
    // The side panel counts everything upstream and downstream, across apps.
    const counts = (await page.textContent('#details .counts')) ?? '';
    const [, up, down] = /(\d+) upstream · (\d+) downstream/.exec(counts) ?? [];
    expect(Number(up)).toBeGreaterThanOrEqual(reads.size + 1); // + Sales Extract and its tables
    expect(Number(down)).toBeGreaterThanOrEqual(writes.size + 2); // + Sales Dashboard, Finance
    expect(await page.textContent('#details')).toContain('Reads (');
    expect(page.url()).toContain(`#focus=${encodeURIComponent(transform)}&depth=1`);
    await shot('lineage-demo-app.png');
  });

  it("expands a dataset into its columns and highlights a column's path end to end", async () => {
    const source = 'dataset:db://salesdb/dbo.orderlines';
    await viewer.open(`#focus=${encodeURIComponent(source)}&depth=2`);
    await page.click('#details button:text("Columns")');
    const columns = (await drawnNodes(page)).find((n) => n.id === source)?.columns ?? [];
    expect(columns).toContain('Quantity');
    await page.click(`#graph g.node[data-id="${source}"] text.column[data-column="Quantity"]`);
    expect((await viewerState(page)).state).toMatchObject({ focus: source, field: 'Quantity' });
    const drawn = await drawnNodes(page);
    // What the API's own trace says is downstream of the column, mapped to datasets and apps.
    const trace = downstream(graph, 'dbo.OrderLines#Quantity');
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const expectedColumns = new Map<string, Set<string>>();
    const expectedApps = new Set<string>();
    for (const n of trace.nodes) {
      if (n.kind === 'DatasetField') {
        const d = byId.get(n.attributes.dataset);
        if (d?.kind !== 'ExternalDataset') continue;
        const id = `dataset:${d.attributes.identity}`;
        expectedColumns.set(id, (expectedColumns.get(id) ?? new Set()).add(n.name));
      } else if (n.appId) expectedApps.add(`app:${n.appId}`);
    }
    expect(expectedColumns.get('dataset:lib://qvds/model/salesfact.qvd')).toBeDefined();
    for (const [id, cols] of expectedColumns) {
      const node = drawn.find((n) => n.id === id);
      expect(node?.onPath, id).toBe(true);
      expect(new Set(node?.pathColumns)).toEqual(cols);
    }
    for (const id of expectedApps) expect(drawn.find((n) => n.id === id)?.onPath, id).toBe(true);
    expect(expectedApps).toContain(`app:${DEMO.dashboard}`);
    // The dashboard lists the charts the column ends in.
    const dashboard = drawn.find((n) => n.id === `app:${DEMO.dashboard}`);
    expect(dashboard?.rows.some((r) => r.endsWith('(chart)'))).toBe(true);
    // Off the path: Orders.qvd (a sibling output of Sales Extract) is drawn but not highlighted.
    expect(drawn.find((n) => n.id === 'dataset:lib://qvds/sales/orders.qvd')?.onPath).toBe(false);
    const pathEdges = (await drawnEdges(page)).filter((e) => e.onPath);
    expect(pathEdges).toContainEqual(
      expect.objectContaining({ from: 'dataset:lib://qvds/sales/orderlines.qvd', to: `app:${DEMO.transform}` }),
    );
    expect(page.url()).toMatch(/&field=Quantity/);
    expect((await labelSizes(page)).min).toBeGreaterThanOrEqual(11);
    await shot('lineage-demo-field-path.png');
    // The deep link gives the same drawing.
    const link = page.url().slice(page.url().indexOf('#'));
    await viewer.open(link);
    expect((await drawnNodes(page)).filter((n) => n.onPath).map((n) => n.id)).toEqual(
      drawn.filter((n) => n.onPath).map((n) => n.id),
    );
  });

  it("traces an app's model field back to its source columns (a click on a field the app lists)", async () => {
    await viewer.open('#focus=dbo.OrderLines&depth=1&field=Quantity');
    // The dashboard lists the model fields the column reaches; clicking one traces that field instead.
    await page.click(`#graph g.node[data-id="app:${DEMO.dashboard}"] text.field[data-field="Sales"]`);
    expect((await viewerState(page)).state).toMatchObject({ focus: `app:${DEMO.dashboard}`, field: 'Sales' });
    expect(page.url()).toContain(`#focus=${encodeURIComponent(`app:${DEMO.dashboard}`)}`);
    expect(page.url()).toMatch(/&field=Sales(&|$)/);
    const drawn = await drawnNodes(page);
    // Upstream across apps to the database columns, as the API's own trace has it.
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const expected = new Map<string, Set<string>>();
    for (const n of upstream(graph, 'field:Sales Dashboard/Sales').nodes) {
      if (n.kind !== 'DatasetField') continue;
      const d = byId.get(n.attributes.dataset);
      if (d?.kind !== 'ExternalDataset') continue;
      const id = `dataset:${d.attributes.identity}`;
      expected.set(id, (expected.get(id) ?? new Set()).add(n.name));
    }
    expect(expected.get('dataset:db://salesdb/dbo.orderlines')).toContain('Quantity');
    for (const [id, columns] of expected)
      expect(new Set(drawn.find((n) => n.id === id)?.pathColumns), id).toEqual(columns);
    expect(drawn.find((n) => n.id === `app:${DEMO.extract}`)?.onPath).toBe(true);
    expect(drawn.find((n) => n.id === 'dataset:db://salesdb/dbo.customers')?.onPath ?? false).toBe(false);
  });

  it('hides a kind without leaving islands: app → app edges stand for the hidden QVDs', async () => {
    await viewer.open();
    await page.uncheck('#filters input[data-kind="qvd"]');
    const drawn = await drawnNodes(page);
    expect(drawn.filter((n) => n.kind === 'qvd')).toEqual([]);
    expect(await drawnEdges(page)).toContainEqual({
      from: `app:${DEMO.extract}`,
      to: `app:${DEMO.transform}`,
      transitive: true,
      onPath: false,
    });
    expect(page.url()).toContain(`hide=${encodeURIComponent('other,qvd')}`);
    // Showing INLINE and AUTOGENERATE sources adds them, each read by its app.
    await page.check('#filters input[data-kind="other"]');
    const others = (await drawnNodes(page)).filter((n) => n.kind === 'other');
    expect(others.map((n) => n.label).sort()).toEqual([
      'AUTOGENERATE (Calendar)',
      'INLINE (Locations)',
      'INLINE (SalesReps)',
    ]);
    expect(await drawnEdges(page)).toContainEqual(
      expect.objectContaining({ from: others.find((n) => n.label === 'INLINE (Locations)')?.id, to: `app:${DEMO.hr}` }),
    );
    expect(page.url()).toContain('hide=qvd');
    await shot('lineage-demo-qvds-hidden.png');
  });

  it('a link with nothing hidden (#hide=) shows the INLINE and AUTOGENERATE sources on first load', async () => {
    await viewer.open('#hide=');
    const others = (await drawnNodes(page)).filter((n) => n.kind === 'other');
    expect(others.map((n) => n.label).sort()).toEqual([
      'AUTOGENERATE (Calendar)',
      'INLINE (Locations)',
      'INLINE (SalesReps)',
    ]);
    expect(await page.isChecked('#filters input[data-kind="other"]')).toBe(true);
  });

  it('renders a graph given in memory the same way (renderLineageHtml)', async () => {
    const page2 = await renderLineageHtml(graph, { title: 'Demo <lineage>' });
    expect(page2).toContain('<title>Demo &lt;lineage&gt;</title>');
    // The data survives its escaping: the JSON in the page is the graph.
    const start = page2.indexOf('id="lineage-data">') + 'id="lineage-data">'.length;
    expect(JSON.parse(page2.slice(start, page2.indexOf('</script>', start)))).toEqual(graph);
    // The viewer (dagre included) is a small part of the page.
    expect(page2.length - JSON.stringify(graph).length).toBeLessThan(150_000);
  });
});
