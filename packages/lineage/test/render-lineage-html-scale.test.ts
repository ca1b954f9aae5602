import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '@qixflow/sense-sim';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from '../../../test/support/chromium.js';
import { downstream, type LineageGraph } from '../src/index.js';
import { generatedAppId, generateLineageSite } from '../src/testing/index.js';
import { startSimulator } from './support/simulator.js';
import {
  crawlToHtml,
  drawnEdges,
  drawnNodes,
  labelSizes,
  serveViewer,
  type ViewerPage,
  viewerState,
} from './support/viewer-page.js';

const N = 300;
const output = join(dirname(fileURLToPath(import.meta.url)), 'output');
const CHAIN = 42;
const app = (layer: number) => `app:${generatedAppId(CHAIN * 3 + layer)}`;
const qvd = (layer: number) => `dataset:lib://qvds/generated/chain${CHAIN}/layer${layer}.qvd`;

let sim: Simulator;
let out: string;
let graph: LineageGraph;
let html: string;
let browser: Browser;
let viewer: ViewerPage;
let page: Page;
let loadMs = 0;

const shot = async (name: string) => {
  await mkdir(output, { recursive: true });
  await page.screenshot({ path: join(output, name) });
};

beforeAll(async () => {
  requireChromium('the HTML scale test');
  sim = await startSimulator(generateLineageSite(N));
  ({ out, graph, html } = await crawlToHtml(sim, { host: 'generated', concurrency: 8 }));
  browser = await launchChromium(chromium);
  viewer = await serveViewer(browser, html);
  page = viewer.page;
  const t0 = Date.now();
  await viewer.open();
  loadMs = Date.now() - t0;
}, 120_000);

afterAll(async () => {
  await viewer?.close();
  await browser?.close();
  await sim?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe(`the lineage HTML page of a generated site of ${N} apps`, () => {
  it('starts on an overview of at most 60 nodes with labels of 11 px or more, standing for every app and dataset', async () => {
    expect(graph.nodes.filter((n) => n.kind === 'App')).toHaveLength(N);
    const state = await viewerState(page);
    expect(state.errors).toEqual([]);
    expect(viewer.foreign).toEqual([]);
    const drawn = await drawnNodes(page);
    expect(drawn.length).toBeLessThanOrEqual(60);
    expect(drawn.length).toBeGreaterThan(1);
    const sizes = await labelSizes(page);
    expect(sizes.min).toBeGreaterThanOrEqual(11);
    // Groups say how many apps and datasets they hold: together, every app and every dataset once.
    const counted = { apps: 0, datasets: 0 };
    for (const n of drawn) {
      const count = n.type === 'group' ? Number(/^(\d+) /.exec(n.detail)?.[1]) : 1;
      if (n.kind === 'app') counted.apps += count;
      else counted.datasets += count;
    }
    // AUTOGENERATE sources (inside one app each) start hidden: the datasets between apps are the QVDs.
    const identities = new Set(
      graph.nodes.flatMap((n) =>
        n.kind === 'ExternalDataset' && n.attributes.datasetType !== 'autogenerate' ? [n.attributes.identity] : [],
      ),
    );
    expect(counted).toEqual({ apps: N, datasets: identities.size });
    expect(identities.size).toBe((N / 3) * 2);
    const qvdNodes = graph.nodes.filter((n) => n.kind === 'ExternalDataset' && n.attributes.datasetType === 'qvd');
    console.log(
      `[html ${N}] page ${(html.length / 1e6).toFixed(2)} MB (graph JSON ${(JSON.stringify(graph).length / 1e6).toFixed(2)} MB), ` +
        `${graph.nodes.length} graph nodes → ${state.entities.apps} apps + ${state.entities.datasets} datasets ` +
        `(${qvdNodes.length} QVD copies); first view ${drawn.length} nodes, smallest label ${sizes.min.toFixed(2)} px, ` +
        `loaded in ${loadMs} ms, layout ${state.layoutMs} ms`,
    );
    // The page is the graph plus a small viewer.
    expect(html.length).toBeLessThan(JSON.stringify(graph).length * 1.1 + 200_000);
    await shot('lineage-300-overview.png');
  });

  it('opens groups down to single QVDs, one node each', async () => {
    const qvdGroup = (await drawnNodes(page)).find((n) => n.type === 'group' && n.kind === 'qvd');
    expect(qvdGroup).toBeDefined();
    await page.click(`#graph g.node[data-id="${qvdGroup?.id}"]`);
    const slices = (await drawnNodes(page)).filter((n) => n.type === 'group' && n.kind === 'qvd');
    expect(slices.length).toBeGreaterThan(1);
    expect((await drawnNodes(page)).length).toBeLessThanOrEqual(60);
    await page.click(`#graph g.node[data-id="${slices[0]?.id}"]`);
    const drawn = await drawnNodes(page);
    const single = drawn.filter((n) => n.type === 'entity' && n.kind === 'qvd');
    expect(single.length).toBeGreaterThan(1);
    // One node per QVD, although the graph has a copy per app that reads or writes it.
    expect(new Set(single.map((n) => n.id)).size).toBe(single.length);
    const copies = graph.nodes.filter(
      (n) => n.kind === 'ExternalDataset' && `dataset:${n.attributes.identity}` === single[0]?.id,
    );
    expect(copies.length).toBe(2);
    expect((await labelSizes(page)).min).toBeGreaterThanOrEqual(11);
    expect(drawn.length).toBeLessThanOrEqual(60);
  });

  it('searches a QVD, focuses it with one node for both apps’ copies, and expands a neighbour', async () => {
    await page.fill('#search', `chain${CHAIN}/layer0`);
    await page.press('#search', 'Enter');
    expect((await viewerState(page)).state).toMatchObject({ mode: 'focus', focus: qvd(0) });
    let drawn = await drawnNodes(page);
    const role = (id: string) => drawn.filter((n) => n.id === id).map((n) => n.role);
    expect(role(qvd(0))).toEqual(['focus']);
    expect(role(app(0))).toEqual(['up']);
    expect(role(app(1))).toEqual(['down']);
    expect(role(qvd(1))).toEqual(['down']);
    await page.click('#depth-down');
    drawn = await drawnNodes(page);
    expect(role(qvd(1))).toEqual([]);
    await page.click(`#graph g.node[data-id="${app(1)}"]`);
    await page.click('#details button:text("Expand neighbours")');
    drawn = await drawnNodes(page);
    expect(role(qvd(1))).toEqual(['side']);
    expect(drawn.length).toBeLessThanOrEqual(60);
    expect((await labelSizes(page)).min).toBeGreaterThanOrEqual(11);
    await shot('lineage-300-search-focus-expand.png');
  });

  it('shows an app between its upstream and downstream', async () => {
    await viewer.open(`#focus=Chain%20${CHAIN}%20layer%201&depth=2`);
    const drawn = await drawnNodes(page);
    const ids = (r: string) => drawn.filter((n) => n.role === r).map((n) => n.id);
    expect(ids('focus')).toEqual([app(1)]);
    expect(ids('up')).toEqual(expect.arrayContaining([qvd(0), app(0)]));
    expect(ids('down')).toEqual(expect.arrayContaining([qvd(1), app(2)]));
    const edges = await drawnEdges(page);
    expect(edges).toContainEqual(expect.objectContaining({ from: qvd(0), to: app(1) }));
    expect(edges).toContainEqual(expect.objectContaining({ from: app(1), to: qvd(1) }));
    expect(await page.textContent('#details .counts')).toMatch(/[1-9]\d* upstream · [1-9]\d* downstream/);
    expect((await labelSizes(page)).min).toBeGreaterThanOrEqual(11);
    await shot('lineage-300-app.png');
  });

  it("highlights a column's path from its QVD to the last app's chart", async () => {
    await viewer.open(`#focus=${encodeURIComponent(qvd(0))}&depth=1`);
    await page.click('#details button:text("Columns")');
    await page.click(`#graph g.node[data-id="${qvd(0)}"] text.column[data-column="Value"]`);
    expect((await viewerState(page)).state).toMatchObject({ focus: qvd(0), field: 'Value' });
    const drawn = await drawnNodes(page);
    const trace = downstream(graph, `lib://QVDs/generated/chain${CHAIN}/layer0.qvd#Value`);
    const reached = new Set(trace.nodes.flatMap((n) => (n.appId ? [`app:${n.appId}`] : [])));
    expect(reached).toEqual(new Set([app(0), app(1), app(2)]));
    for (const id of reached) expect(drawn.find((n) => n.id === id)?.onPath, id).toBe(true);
    expect(drawn.find((n) => n.id === qvd(1))?.pathColumns).toContain('Value');
    // The path ends in the front end's master measure and its KPI.
    const last = drawn.find((n) => n.id === app(2));
    expect(last?.rows).toEqual(expect.arrayContaining(['Total Value (measure)', 'Value (chart)']));
    expect((await drawnEdges(page)).filter((e) => e.onPath).length).toBeGreaterThanOrEqual(3);
    expect((await labelSizes(page)).min).toBeGreaterThanOrEqual(11);
    await shot('lineage-300-field-path.png');
  });
});
