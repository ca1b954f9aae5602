// page.evaluate callbacks run in the page: they are typed against the DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '@qixflow/sense-sim';
import type { Browser, Page } from 'playwright-core';
import { extractSiteLineage, type LineageGraph } from '../../src/index.js';
import { siteFor } from './simulator.js';

/**
 * Crawls the simulator's site into a new temporary folder (`lineage.json` and `lineage.html`) and
 * reads both back: what the viewer tests open.
 */
export async function crawlToHtml(
  sim: Simulator,
  options: { host: string; concurrency: number },
): Promise<{ out: string; graph: LineageGraph; html: string }> {
  const site = siteFor(sim);
  const out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-html-'));
  try {
    await extractSiteLineage(site, { outDir: out, formats: ['json', 'html'], ...options });
  } finally {
    await site.close();
  }
  const graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
  return { out, graph, html: await readFile(join(out, 'lineage.html'), 'utf8') };
}

/** A drawn node of the lineage page, read from its SVG. */
export interface DrawnNode {
  id: string;
  type: string;
  kind: string;
  role: string;
  label: string;
  detail: string;
  onPath: boolean;
  /** Marked upstream / downstream of the clicked node. */
  highlight: '' | 'up' | 'down';
  columns: string[];
  pathColumns: string[];
  rows: string[];
}

/** A drawn edge. */
export interface DrawnEdge {
  from: string;
  to: string;
  transitive: boolean;
  onPath: boolean;
}

/** The lineage page served from 127.0.0.1 (like any local file server), with the requests it made elsewhere. */
export interface ViewerPage {
  readonly page: Page;
  readonly origin: string;
  /** Requests to anything but the page's own origin. */
  readonly foreign: string[];
  /** Loads the page (with a deep link hash) and waits for the viewer. */
  open(hash?: string): Promise<void>;
  close(): Promise<void>;
}

export async function serveViewer(browser: Browser, html: string): Promise<ViewerPage> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/lineage.html')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) foreign.push(r.url());
  });
  return {
    page,
    origin,
    foreign,
    async open(hash = '') {
      await page.goto('about:blank');
      await page.goto(`${origin}/lineage.html${hash}`);
      await page.waitForFunction(
        () => (globalThis as unknown as { __lineage?: { ready: boolean } }).__lineage?.ready === true,
        null,
        { timeout: 30_000 },
      );
    },
    async close() {
      await page.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The nodes the page draws, from the SVG itself. */
export function drawnNodes(page: Page): Promise<DrawnNode[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<SVGGElement>('#graph svg g.node')].map((g) => {
      const texts = (selector: string) =>
        [...g.querySelectorAll<SVGTextElement>(selector)].map((t) => t.dataset.column ?? t.textContent ?? '');
      return {
        id: g.dataset.id ?? '',
        type: g.dataset.type ?? '',
        kind: g.dataset.kind ?? '',
        role: g.dataset.role ?? '',
        label: g.querySelector('text.label')?.textContent ?? '',
        detail: g.querySelector('text.detail')?.textContent ?? '',
        onPath: g.classList.contains('on-path'),
        highlight: (g.classList.contains('hl-up') ? 'up' : g.classList.contains('hl-down') ? 'down' : '') as
          | ''
          | 'up'
          | 'down',
        columns: texts('text.column'),
        pathColumns: texts('text.column.on-path'),
        rows: [...g.querySelectorAll('text.row')].map((t) => t.textContent ?? ''),
      };
    }),
  );
}

/** The edges the page draws. */
export function drawnEdges(page: Page): Promise<DrawnEdge[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<SVGPathElement>('#graph svg path.edge')].map((p) => ({
      from: p.dataset.from ?? '',
      to: p.dataset.to ?? '',
      transitive: p.classList.contains('transitive'),
      onPath: p.classList.contains('on-path'),
    })),
  );
}

/**
 * The text of the drawing as it is on screen: per text element inside the visible part of the
 * drawing, its CSS font size × the zoom of the SVG (its screen transform), and the smallest of them.
 */
export function labelSizes(page: Page): Promise<{ min: number; count: number; visible: number }> {
  return page.evaluate(() => {
    const area = document.getElementById('graph')?.getBoundingClientRect();
    let min = Number.POSITIVE_INFINITY;
    let count = 0;
    let visible = 0;
    for (const t of document.querySelectorAll<SVGTextElement>('#graph svg g.node text')) {
      count++;
      const box = t.getBoundingClientRect();
      if (area && (box.right < area.left || box.left > area.right || box.bottom < area.top || box.top > area.bottom))
        continue;
      visible++;
      const px = Number.parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 0);
      min = Math.min(min, px);
    }
    return { min, count, visible };
  });
}

/** Nodes whose box is at least partly inside the drawing area. */
export function nodesOnScreen(page: Page): Promise<number> {
  return page.evaluate(() => {
    const area = document.getElementById('graph')?.getBoundingClientRect();
    if (!area) return 0;
    return [...document.querySelectorAll('#graph svg g.node')].filter((g) => {
      const b = g.getBoundingClientRect();
      return b.right > area.left && b.left < area.right && b.bottom > area.top && b.top < area.bottom;
    }).length;
  });
}

/** The viewer's own report of its state (what it thinks it shows: focus, depth, field, hidden kinds). */
export function viewerState(page: Page): Promise<{
  ready: boolean;
  errors: string[];
  nodeCount: number;
  layoutMs: number;
  entities: { apps: number; datasets: number };
  state: { mode: string; focus: string | null; depth: number; field: string | null; hidden: string[] };
}> {
  return page.evaluate(() => {
    const l = (
      globalThis as unknown as {
        __lineage: {
          ready: boolean;
          errors: string[];
          nodeCount: number;
          layoutMs: number;
          entities: { apps: number; datasets: number };
          state(): { mode: string; focus: string | null; depth: number; field: string | null; hidden: string[] };
        };
      }
    ).__lineage;
    return {
      ready: l.ready,
      errors: l.errors,
      nodeCount: l.nodeCount,
      layoutMs: l.layoutMs,
      entities: l.entities,
      state: l.state(),
    };
  });
}
