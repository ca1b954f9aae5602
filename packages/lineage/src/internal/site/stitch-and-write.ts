import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppReport, LineageEdge, LineageNode } from '../../generated/lineage-graph.js';
import { postOpenLineage } from '../../post-openlineage.js';
import { lineageHtmlChunks } from '../../render-lineage-html.js';
import type { SiteLineageSummary } from '../../site-lineage-summary.js';
import { toOpenLineageEvents } from '../../to-openlineage-events.js';
import { ids } from '../graph/node-ids.js';
import { fileError } from '../util/file-error.js';
import { LineWriter } from '../util/line-writer.js';
import { readLines } from '../util/read-lines.js';
import { type FragmentHeader, readFragment, readFragmentHeader } from './fragment-store.js';
import type { CrawlPlan } from './plan-crawl.js';
import type { ResolvedSiteOptions } from './resolve-site-options.js';
import { stitchSite } from './stitch.js';

type SummaryFiles = { -readonly [K in keyof SiteLineageSummary['files']]: SiteLineageSummary['files'][K] };

/** What the output phase wrote. */
export type SiteOutputs = Pick<SiteLineageSummary, 'nodes' | 'edges' | 'nodeCounts' | 'edgeCounts' | 'openLineage'> & {
  readonly files: SiteLineageSummary['files'];
};

/** The crawled apps' fragments, in inventory order, and their headers (the compact dataset index). */
interface Fragments {
  readonly headers: readonly FragmentHeader[];
  readonly fileOf: (appId: string) => string;
}

async function readHeaders(plan: CrawlPlan): Promise<Fragments> {
  const fileOf = (appId: string) => join(plan.fragmentsDir, plan.state.apps[appId]?.fragment ?? '');
  const headers: FragmentHeader[] = [];
  for (const app of plan.apps) {
    const header = await readFragmentHeader(fileOf(app.id));
    if (header) headers.push(header);
  }
  return { headers, fileOf };
}

/** The site's shared nodes and the cross-app edges (SAME_AS, BINARY_FROM, streams), from the headers. */
function stitch(plan: CrawlPlan, o: ResolvedSiteOptions, fragments: Fragments) {
  const appById = new Map(plan.apps.map((a) => [a.id, a]));
  return stitchSite(
    { host: o.host, streams: plan.inventory.streams, connections: plan.inventory.connections },
    fragments.headers.map((h) => ({
      appId: h.appId,
      name: appById.get(h.appId)?.name ?? h.report.name,
      streamId: appById.get(h.appId)?.streamId ?? null,
      datasets: h.datasets,
      binaryPaths: h.binaryPaths,
    })),
  );
}

/** The graph JSON, streamed from the fragments: nodes (shared ones once), then edges, then app reports. */
async function writeSiteGraph(
  file: string,
  host: string,
  stitched: { nodes: readonly LineageNode[]; edges: readonly LineageEdge[] },
  fragments: Fragments,
): Promise<Pick<SiteOutputs, 'nodes' | 'edges' | 'nodeCounts' | 'edgeCounts'>> {
  const nodeCounts: Partial<Record<LineageNode['kind'], number>> = {};
  const edgeCounts: Partial<Record<LineageEdge['kind'], number>> = {};
  let nodes = 0;
  let edges = 0;
  const out = new LineWriter(file);
  await out.write(`{"schemaVersion":"qixflow-lineage/1","site":${JSON.stringify({ host })}`);
  const shared = new Set<string>();
  let first = true;
  const emit = async (value: unknown) => {
    await out.write(`${first ? '\n' : ',\n'}${JSON.stringify(value)}`);
    first = false;
  };
  await out.write(',\n"nodes":[');
  const node = async (n: LineageNode) => {
    if (n.appId === undefined) {
      if (shared.has(n.id)) return;
      shared.add(n.id);
    }
    nodes++;
    nodeCounts[n.kind] = (nodeCounts[n.kind] ?? 0) + 1;
    await emit(n);
  };
  for (const n of stitched.nodes) await node(n);
  for (const h of fragments.headers)
    for await (const line of readFragment(fragments.fileOf(h.appId))) if ('node' in line) await node(line.node);
  await out.write('\n],\n"edges":[');
  first = true;
  const edge = async (e: LineageEdge) => {
    edges++;
    edgeCounts[e.kind] = (edgeCounts[e.kind] ?? 0) + 1;
    await emit(e);
  };
  for (const e of stitched.edges) await edge(e);
  for (const h of fragments.headers)
    for await (const line of readFragment(fragments.fileOf(h.appId))) if ('edge' in line) await edge(line.edge);
  await out.write('\n],\n"apps":[');
  first = true;
  for (const h of fragments.headers) await emit(h.report);
  await out.write('\n]}\n');
  await out.close();
  return { nodes, edges, nodeCounts, edgeCounts };
}

/** One app's graph, read back from its fragment. */
async function appGraph(file: string, header: FragmentHeader) {
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  let report: AppReport = header.report;
  for await (const line of readFragment(file)) {
    if ('node' in line) nodes.push(line.node);
    else if ('edge' in line) edges.push(line.edge);
    else report = line.app.report;
  }
  return { nodes, edges, report };
}

/** The OpenLineage events, one app at a time (written, and POSTed when `openLineage.url` is set). */
async function writeSiteOpenLineage(
  file: string,
  o: ResolvedSiteOptions,
  fragments: Fragments,
  siteEdges: readonly LineageEdge[],
  postOnly: ReadonlySet<string> | undefined,
): Promise<NonNullable<SiteOutputs['openLineage']>> {
  const out = new LineWriter(file);
  let events = 0;
  let posted = 0;
  const failures: NonNullable<SiteOutputs['openLineage']>['failures'][number][] = [];
  for (const h of fragments.headers) {
    const { nodes, edges, report } = await appGraph(fragments.fileOf(h.appId), h);
    // The BINARY_FROM edges of the app (stitched across apps) name the app its BINARY loads.
    for (const e of siteEdges) if (e.kind === 'BINARY_FROM' && e.from === ids.app(h.appId)) edges.push(e);
    const appEvents = toOpenLineageEvents(
      { schemaVersion: 'qixflow-lineage/1', site: { host: o.host }, nodes, edges, apps: [report] },
      {
        host: o.host,
        ...(o.openLineage?.namespace !== undefined ? { namespace: o.openLineage.namespace } : {}),
        ...(o.openLineage?.producer !== undefined ? { producer: o.openLineage.producer } : {}),
        ...(o.openLineage?.includeSourceCode !== undefined
          ? { includeSourceCode: o.openLineage.includeSourceCode }
          : {}),
      },
    );
    for (const e of appEvents) await out.write(`${JSON.stringify(e)}\n`);
    if (o.openLineage?.url && appEvents.length > 0 && (postOnly === undefined || postOnly.has(h.appId))) {
      const result = await postOpenLineage(o.openLineage.url, appEvents, {
        ...(o.openLineage.headers ? { headers: o.openLineage.headers } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      posted += result.posted;
      for (const f of result.failures) failures.push({ ...f, index: events + f.index });
    }
    events += appEvents.length;
  }
  await out.close();
  return { events, posted, failures };
}

/** The lines of a file this phase wrote, read back (`ERR_LINEAGE_OUTPUT` when they cannot be). */
async function* readBack(file: string): AsyncGenerator<string, void, undefined> {
  try {
    for await (const line of readLines(file)) yield `${line}\n`;
  } catch (error) {
    throw fileError('ERR_LINEAGE_OUTPUT', 'read back', file, error);
  }
}

/** The HTML page, around the graph JSON read back from its file. */
async function writeSiteHtml(file: string, graphFile: string, o: ResolvedSiteOptions): Promise<void> {
  const out = new LineWriter(file);
  for await (const chunk of lineageHtmlChunks(readBack(graphFile), {
    title: o.title ?? `Qlik Sense lineage — ${o.host}`,
  })) {
    await out.write(chunk);
  }
  await out.close();
}

/**
 * Phase 3 of a site crawl: stitches the fragments together from the compact dataset index in their
 * headers (`stitching`), then streams every output from the fragments — the graph JSON (always
 * written: the HTML page reads it back; removed again when `json` is not asked for), the OpenLineage
 * events, the HTML page — each followed by its `written` event. Fails with `ERR_LINEAGE_OUTPUT`,
 * `ERR_LINEAGE_FRAGMENT_INVALID` or `ERR_LINEAGE_VIEWER_UNAVAILABLE`. With `postOnly`, only the events
 * of those apps are POSTed (an update posts what changed; the file still holds every app's events).
 */
export async function stitchAndWrite(
  plan: CrawlPlan,
  o: ResolvedSiteOptions,
  postOnly?: ReadonlySet<string>,
): Promise<SiteOutputs> {
  const fragments = await readHeaders(plan);
  o.onProgress({ type: 'stitching', apps: fragments.headers.length });
  const stitched = stitch(plan, o, fragments);
  const graphFile = join(o.outDir, 'lineage.json');
  const counts = await writeSiteGraph(graphFile, o.host, stitched, fragments);
  const files: SummaryFiles = { state: plan.stateFile, fragments: plan.fragmentsDir };
  if (o.formats.has('json')) {
    files.graph = graphFile;
    o.onProgress({ type: 'written', format: 'json', file: graphFile });
  }
  let openLineage: SiteOutputs['openLineage'];
  if (o.formats.has('openlineage')) {
    const olFile = join(o.outDir, 'openlineage.ndjson');
    openLineage = await writeSiteOpenLineage(olFile, o, fragments, stitched.edges, postOnly);
    files.openLineage = olFile;
    o.onProgress({ type: 'written', format: 'openlineage', file: olFile });
  }
  if (o.formats.has('html')) {
    const htmlFile = join(o.outDir, 'lineage.html');
    await writeSiteHtml(htmlFile, graphFile, o);
    files.html = htmlFile;
    o.onProgress({ type: 'written', format: 'html', file: htmlFile });
  }
  if (!o.formats.has('json')) {
    await rm(graphFile, { force: true }).catch((error: unknown) => {
      throw fileError('ERR_LINEAGE_OUTPUT', 'remove', graphFile, error);
    });
  }
  return { ...counts, files, ...(openLineage ? { openLineage } : {}) };
}
