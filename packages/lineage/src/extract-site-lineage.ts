import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { redact, type Site } from '@qixflow/core';
import type { AppReport, LineageEdge, LineageNode } from './generated/lineage-graph.js';
import { type AppAnalysis, analyseApp, failedApp } from './internal/app/analyse-app.js';
import type { AppInventoryInfo, AppSnapshot, ReloadFailureInfo, SnapshotProblem } from './internal/app/app-snapshot.js';
import { collectAppSnapshot, readModel } from './internal/app/collect-app-snapshot.js';
import { type AppState, CrawlStateWriter, loadCrawlState } from './internal/site/crawl-state.js';
import { type FragmentHeader, fragmentHash, readFragment, writeFragment } from './internal/site/fragment-store.js';
import { readReloadFailure } from './internal/site/read-reload-failure.js';
import { type InventoryApp, readSiteInventory } from './internal/site/site-inventory.js';
import { stitchSite } from './internal/site/stitch.js';
import { sha256Hex } from './internal/util/hash.js';
import { LineWriter } from './internal/util/line-writer.js';
import { readLines } from './internal/util/read-lines.js';
import type { LineageDoc } from './lineage-doc.js';
import type { LineageFormat, LineageProgressEvent } from './lineage-progress.js';
import { type PostOpenLineageResult, postOpenLineage } from './post-openlineage.js';
import { lineageHtmlChunks } from './render-lineage-html.js';
import { toOpenLineageEvents } from './to-openlineage-events.js';

/** Options of {@link extractSiteLineage}. */
export interface SiteLineageOptions {
  /** Folder for the outputs, the fragments and the resume state (created when missing). */
  readonly outDir: string;
  /** Outputs to write. Default `['json']`. */
  readonly formats?: readonly LineageFormat[];
  /** Apps extracted in parallel (each on its own websocket of the site's one proxy session). Default 4, 1–32. */
  readonly concurrency?: number;
  /** Host name for the Site node and the OpenLineage namespaces. Default `'qlik-sense'`. */
  readonly host?: string;
  /** QRS filter on `/app/full`, e.g. `stream.name eq 'Sales'`. */
  readonly filter?: string;
  /** Only these apps (after the filter). */
  readonly appIds?: readonly string[];
  /**
   * When to open an app with data to read its model (GetTablesAndKeys): `'auto'` (default) only when
   * the script analysis predicts tables and the app was reloaded; `'always'` (one open, with data);
   * `'never'` (metadata only).
   */
  readonly model?: 'auto' | 'always' | 'never';
  /** Re-use fragments of apps unchanged since the last run (state file). Default true. */
  readonly resume?: boolean;
  /** Per app, milliseconds; a slower app is recorded as failed (ERR_TIMEOUT). Default 120 000. */
  readonly appTimeoutMs?: number;
  /** Keep script texts in the graph's app reports (OpenLineage sourceCode). Default true. */
  readonly includeScript?: boolean;
  /** OpenLineage: namespace/producer of the events, and an HTTP endpoint to POST them to. */
  readonly openLineage?: {
    readonly namespace?: string;
    readonly producer?: string;
    readonly url?: string;
    readonly headers?: Readonly<Record<string, string>>;
  };
  /** Stops the crawl: apps in flight are abandoned (not recorded), finished apps stay in the state. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: LineageProgressEvent) => void;
  /** HTML page title. */
  readonly title?: string;
}

/** What {@link extractSiteLineage} did. */
export interface SiteLineageSummary {
  /** True when the signal stopped the crawl: no graph/OpenLineage/HTML was written; run again to resume. */
  readonly aborted: boolean;
  readonly apps: {
    readonly total: number;
    readonly extracted: number;
    readonly skipped: number;
    readonly failed: number;
  };
  readonly failures: readonly {
    readonly appId: string;
    readonly appName: string;
    readonly code: string;
    readonly message: string;
  }[];
  readonly nodes: number;
  readonly edges: number;
  readonly nodeCounts: Readonly<Partial<Record<LineageNode['kind'], number>>>;
  readonly edgeCounts: Readonly<Partial<Record<LineageEdge['kind'], number>>>;
  readonly files: {
    readonly graph?: string;
    readonly openLineage?: string;
    readonly html?: string;
    readonly state: string;
    readonly fragments: string;
  };
  readonly openLineage?: {
    readonly events: number;
    readonly posted: number;
    readonly failures: PostOpenLineageResult['failures'];
  };
  readonly durationMs: number;
}

interface Resolved {
  readonly outDir: string;
  readonly formats: ReadonlySet<LineageFormat>;
  readonly concurrency: number;
  readonly host: string;
  readonly filter: string | undefined;
  readonly appIds: ReadonlySet<string> | undefined;
  readonly model: 'auto' | 'always' | 'never';
  readonly resume: boolean;
  readonly appTimeoutMs: number;
  readonly includeScript: boolean;
  readonly openLineage: SiteLineageOptions['openLineage'];
  readonly signal: AbortSignal | undefined;
  readonly onProgress: (event: LineageProgressEvent) => void;
  readonly title: string | undefined;
}

const FORMATS = new Set<LineageFormat>(['json', 'openlineage', 'html']);

function resolveOptions(site: unknown, options: unknown): Resolved {
  if (site === null || typeof site !== 'object' || typeof (site as { openApp?: unknown }).openApp !== 'function') {
    throw new TypeError('extractSiteLineage: site must be a @qixflow/core Site (createSite)');
  }
  if (options === null || typeof options !== 'object')
    throw new TypeError('extractSiteLineage: options must be an object');
  const o = options as SiteLineageOptions;
  if (typeof o.outDir !== 'string' || o.outDir === '')
    throw new TypeError('extractSiteLineage: options.outDir must be a non-empty string');
  const formats = o.formats ?? ['json'];
  if (!Array.isArray(formats) || formats.some((f) => !FORMATS.has(f))) {
    throw new TypeError(
      `extractSiteLineage: options.formats must list 'json', 'openlineage' or 'html', got ${JSON.stringify(formats)}`,
    );
  }
  const concurrency = o.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new TypeError(
      `extractSiteLineage: options.concurrency must be an integer from 1 to 32, got ${String(concurrency)}`,
    );
  }
  const model = o.model ?? 'auto';
  if (model !== 'auto' && model !== 'always' && model !== 'never') {
    throw new TypeError(`extractSiteLineage: options.model must be 'auto', 'always' or 'never', got ${String(model)}`);
  }
  const appTimeoutMs = o.appTimeoutMs ?? 120_000;
  if (typeof appTimeoutMs !== 'number' || !(appTimeoutMs > 0))
    throw new TypeError('extractSiteLineage: options.appTimeoutMs must be a positive number');
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === ''))
    throw new TypeError('extractSiteLineage: options.host must be a non-empty string');
  if (o.appIds !== undefined && !Array.isArray(o.appIds))
    throw new TypeError('extractSiteLineage: options.appIds must be an array of app ids');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    throw new TypeError('extractSiteLineage: options.onProgress must be a function');
  const url = o.openLineage?.url;
  if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\//i.test(url))) {
    throw new TypeError('extractSiteLineage: options.openLineage.url must be an http(s) URL');
  }
  return {
    outDir: resolve(o.outDir),
    formats: new Set(formats),
    concurrency,
    host: o.host ?? 'qlik-sense',
    filter: o.filter,
    appIds: o.appIds ? new Set(o.appIds) : undefined,
    model,
    resume: o.resume ?? true,
    appTimeoutMs,
    includeScript: o.includeScript ?? true,
    openLineage: o.openLineage,
    signal: o.signal,
    onProgress: (event) => {
      try {
        o.onProgress?.(event);
      } catch {
        // a failing progress callback must not stop the crawl
      }
    },
    title: o.title,
  };
}

/** The app's repository facts; a failed last reload with what QRS says of it (`failure`: read from its log). */
function inventoryInfo(app: InventoryApp, failure?: ReloadFailureInfo): AppInventoryInfo {
  const recorded = app.lastReloadFailure;
  return {
    streamId: app.streamId,
    streamName: app.streamName,
    ...(app.owner !== undefined ? { owner: app.owner } : {}),
    published: app.published,
    ...(app.modifiedDate !== null ? { modifiedDate: app.modifiedDate } : {}),
    ...(app.lastReloadTime !== null ? { lastReloadTime: app.lastReloadTime } : {}),
    ...(failure
      ? { lastReloadFailure: failure }
      : recorded
        ? { lastReloadFailure: { at: recorded.at, task: recorded.taskName } }
        : {}),
  };
}

function errorInfo(error: unknown, timedOut: boolean): { code: string; message: string } {
  if (timedOut) return { code: 'ERR_TIMEOUT', message: 'the app did not answer in time (appTimeoutMs)' };
  const e = error as { code?: unknown; message?: unknown } | null;
  return {
    code: typeof e?.code === 'string' ? e.code : 'ERR_LINEAGE_APP',
    // Engine errors quote the script line that failed, connection string included.
    message: redact(typeof e?.message === 'string' ? e.message : String(error)),
  };
}

/** Opens an app (with or without data), runs `job`, always closes; an abort closes the socket at once. */
async function withDoc<T>(
  site: Site,
  appId: string,
  noData: boolean,
  signal: AbortSignal,
  job: (doc: LineageDoc) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const connection = site.openApp(appId, noData ? { noData: true } : {});
  const abort = () => {
    void connection.close().catch(() => undefined);
  };
  signal.addEventListener('abort', abort, { once: true });
  try {
    // core's Doc is typed from the engine schema (@qixflow/qix): it is a LineageDoc as it is.
    const doc: LineageDoc = await connection.open();
    return await job(doc);
  } finally {
    signal.removeEventListener('abort', abort);
    await connection.close().catch(() => undefined);
  }
}

/**
 * One app: metadata without data (script, GetLineage, objects …); then, when the model is wanted,
 * GetTablesAndKeys from a second open with data. `model: 'always'` opens once, with data.
 */
async function extractApp(
  site: Site,
  app: InventoryApp,
  o: Resolved,
  signal: AbortSignal,
): Promise<{ analysis: AppAnalysis; contentHash: string }> {
  // A failed last reload explains an empty GetLineage: its script log says where it stopped.
  const failure = app.lastReloadFailure ? await readReloadFailure(site, app.lastReloadFailure, signal) : undefined;
  const base = { appId: app.id, appName: app.name, inventory: inventoryInfo(app, failure), signal };
  let snapshot: AppSnapshot;
  if (o.model === 'always') {
    snapshot = await withDoc(site, app.id, false, signal, (doc) =>
      collectAppSnapshot(doc, { ...base, readModel: true }),
    );
  } else {
    snapshot = await withDoc(site, app.id, true, signal, (doc) =>
      collectAppSnapshot(doc, { ...base, readModel: false }),
    );
    if (o.model === 'auto') {
      const first = analyseApp(snapshot, { includeScript: o.includeScript });
      const reloaded = app.lastReloadTime !== null || (snapshot.lineage?.length ?? 0) > 0;
      if (first.predictedTables === 0 || !reloaded)
        return { analysis: first, contentHash: sha256Hex(JSON.stringify(snapshot)) };
      const problems: SnapshotProblem[] = [...snapshot.problems];
      const model = await withDoc(site, app.id, false, signal, (doc) => readModel(doc, problems));
      snapshot = { ...snapshot, model, problems };
    }
  }
  return {
    analysis: analyseApp(snapshot, { includeScript: o.includeScript }),
    contentHash: sha256Hex(JSON.stringify(snapshot)),
  };
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new ones when `stop()` says so. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  stop: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !stop()) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}

async function firstLine(file: string): Promise<FragmentHeader | undefined> {
  for await (const line of readLines(file)) {
    const parsed = JSON.parse(line) as { app?: FragmentHeader };
    return parsed.app;
  }
  return undefined;
}

/**
 * Extracts the lineage of a whole site over the site's one proxy session: the app inventory from
 * QRS, then each app (a bounded number in parallel) opened without data where possible, analysed,
 * and written as an NDJSON fragment as soon as it is done (memory stays flat); a state file makes
 * re-runs skip apps unchanged since (same modifiedDate and lastReloadTime) and re-use their
 * fragments. At the end the fragments are stitched (SAME_AS across apps, BINARY_FROM, streams) from
 * a compact dataset index and streamed into the outputs. An app that fails is recorded (App node
 * with status failed, report with the error) and the crawl goes on.
 *
 * @example
 * ```ts
 * import { createSite } from '@qixflow/core';
 * import { extractSiteLineage } from '@qixflow/lineage';
 *
 * const site = createSite({ host: 'https://sense.example.com', prefix: 'jwt', auth: { kind: 'jwt', privateKeyFile: 'key.pem', userId: 'svc', userDirectory: 'CORP' } });
 * const summary = await extractSiteLineage(site, {
 *   outDir: 'lineage', formats: ['json', 'openlineage', 'html'], concurrency: 8, host: 'sense.example.com',
 *   onProgress: (e) => e.type === 'app-done' && console.log(`${e.done}/${e.total} ${e.appName}`),
 * });
 * console.log(summary.apps, summary.files.graph);
 * await site.close();
 * ```
 */
export async function extractSiteLineage(site: Site, options: SiteLineageOptions): Promise<SiteLineageSummary> {
  const o = resolveOptions(site, options);
  const started = Date.now();
  const fragmentsDir = join(o.outDir, 'fragments');
  const stateFile = join(o.outDir, 'lineage-state.json');
  await mkdir(fragmentsDir, { recursive: true });
  const inventory = await readSiteInventory(site, {
    ...(o.filter !== undefined ? { filter: o.filter } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const apps = inventory.apps.filter((a) => !o.appIds || o.appIds.has(a.id));
  const loaded = o.resume ? await loadCrawlState(stateFile, o.host) : undefined;
  const state = loaded?.state ?? { version: 1 as const, host: o.host, apps: {} };
  if (loaded?.discarded !== undefined) {
    o.onProgress({ type: 'state-discarded', file: stateFile, reason: loaded.discarded });
  }
  const writer = new CrawlStateWriter(stateFile, state);
  // v2: fragments are redacted; those of earlier versions may hold credentials and are not re-used.
  const optionsKey = JSON.stringify({ model: o.model, includeScript: o.includeScript, v: 2 });

  const reused = new Set<string>();
  for (const app of apps) {
    const st = state.apps[app.id];
    if (!o.resume || !st || st.status === 'failed' || st.options !== optionsKey) continue;
    if (st.modifiedDate !== app.modifiedDate || st.lastReloadTime !== app.lastReloadTime) continue;
    // A failed reload changes neither date, but it changes what the report says.
    if ((st.lastReloadFailure ?? null) !== (app.lastReloadFailure?.at ?? null)) continue;
    if ((await fragmentHash(join(fragmentsDir, st.fragment))) === st.fragmentHash) reused.add(app.id);
  }
  const total = apps.length;
  const toExtract = apps.filter((a) => !reused.has(a.id));
  o.onProgress({ type: 'inventory', total, toExtract: toExtract.length, reused: reused.size });
  let done = 0;
  for (const app of apps) {
    if (!reused.has(app.id)) continue;
    done++;
    o.onProgress({ type: 'app-skipped', appId: app.id, appName: app.name, done, total });
  }

  let extracted = 0;
  const failures: { appId: string; appName: string; code: string; message: string }[] = [];
  const aborted = () => o.signal?.aborted === true;
  await pool(toExtract, o.concurrency, aborted, async (app) => {
    o.onProgress({ type: 'app-started', appId: app.id, appName: app.name, done, total });
    const t0 = Date.now();
    const timeout = AbortSignal.timeout(o.appTimeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
    let analysis: AppAnalysis;
    let contentHash: string;
    try {
      ({ analysis, contentHash } = await extractApp(site, app, o, signal));
    } catch (error) {
      if (aborted()) return; // abandoned: the next run does it again
      const info = errorInfo(error, timeout.aborted);
      analysis = failedApp(app.id, app.name, inventoryInfo(app), info);
      contentHash = '';
      failures.push({ appId: app.id, appName: app.name, ...info });
    }
    const { file, hash } = await writeFragment(fragmentsDir, analysis);
    const entry: AppState = {
      name: app.name,
      modifiedDate: app.modifiedDate,
      lastReloadTime: app.lastReloadTime,
      lastReloadFailure: app.lastReloadFailure?.at ?? null,
      contentHash,
      fragment: file,
      fragmentHash: hash,
      status: analysis.report.status,
      options: optionsKey,
    };
    state.apps[app.id] = entry;
    writer.changed();
    done++;
    if (analysis.report.status === 'failed') {
      const error = analysis.report.error ?? { code: 'ERR_LINEAGE_APP', message: 'failed' };
      o.onProgress({
        type: 'app-failed',
        appId: app.id,
        appName: app.name,
        code: error.code,
        message: error.message,
        done,
        total,
      });
    } else {
      extracted++;
      const coverage = analysis.report.coverage;
      o.onProgress({
        type: 'app-done',
        appId: app.id,
        appName: app.name,
        status: analysis.report.status === 'partial' ? 'partial' : 'ok',
        nodes: analysis.graph.nodes.length,
        edges: analysis.graph.edges.length,
        coverage: coverage && coverage.status === 'checked' ? coverage.ratio : null,
        durationMs: Date.now() - t0,
        done,
        total,
      });
    }
  });
  await writer.flush();
  o.onProgress({ type: 'written', format: 'state', file: stateFile });
  const base = {
    apps: { total, extracted, skipped: reused.size, failed: failures.length },
    failures,
    files: { state: stateFile, fragments: fragmentsDir },
  };
  if (aborted()) {
    return {
      aborted: true,
      ...base,
      nodes: 0,
      edges: 0,
      nodeCounts: {},
      edgeCounts: {},
      durationMs: Date.now() - started,
    };
  }

  // Stitch from the compact index in the fragment headers.
  const fragmentOf = (appId: string) => join(fragmentsDir, state.apps[appId]?.fragment ?? '');
  const headers: FragmentHeader[] = [];
  for (const app of apps) {
    const header = await firstLine(fragmentOf(app.id));
    if (header) headers.push(header);
  }
  o.onProgress({ type: 'stitching', apps: headers.length });
  const appById = new Map(apps.map((a) => [a.id, a]));
  const stitched = stitchSite(
    { host: o.host, streams: inventory.streams, connections: inventory.connections },
    headers.map((h) => ({
      appId: h.appId,
      name: appById.get(h.appId)?.name ?? h.report.name,
      streamId: appById.get(h.appId)?.streamId ?? null,
      datasets: h.datasets,
      binaryPaths: h.binaryPaths,
    })),
  );

  // The graph JSON, streamed from the fragments (nodes, then edges, then app reports).
  const graphFile = join(o.outDir, 'lineage.json');
  const nodeCounts: Partial<Record<LineageNode['kind'], number>> = {};
  const edgeCounts: Partial<Record<LineageEdge['kind'], number>> = {};
  let nodes = 0;
  let edges = 0;
  {
    const out = new LineWriter(graphFile);
    await out.write(`{"schemaVersion":"qixflow-lineage/1","site":${JSON.stringify({ host: o.host })}`);
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
    for (const h of headers)
      for await (const line of readFragment(fragmentOf(h.appId))) if ('node' in line) await node(line.node);
    await out.write('\n],\n"edges":[');
    first = true;
    const edge = async (e: LineageEdge) => {
      edges++;
      edgeCounts[e.kind] = (edgeCounts[e.kind] ?? 0) + 1;
      await emit(e);
    };
    for (const e of stitched.edges) await edge(e);
    for (const h of headers)
      for await (const line of readFragment(fragmentOf(h.appId))) if ('edge' in line) await edge(line.edge);
    await out.write('\n],\n"apps":[');
    first = true;
    for (const h of headers) await emit(h.report);
    await out.write('\n]}\n');
    await out.close();
  }
  const files: { graph?: string; openLineage?: string; html?: string; state: string; fragments: string } = {
    ...base.files,
  };
  if (o.formats.has('json')) {
    files.graph = graphFile;
    o.onProgress({ type: 'written', format: 'json', file: graphFile });
  }

  let openLineage: SiteLineageSummary['openLineage'];
  if (o.formats.has('openlineage')) {
    const olFile = join(o.outDir, 'openlineage.ndjson');
    const out = new LineWriter(olFile);
    let events = 0;
    let posted = 0;
    const postFailures: PostOpenLineageResult['failures'][number][] = [];
    for (const h of headers) {
      const appNodes: LineageNode[] = [];
      const appEdges: LineageEdge[] = [];
      let report: AppReport = h.report;
      for await (const line of readFragment(fragmentOf(h.appId))) {
        if ('node' in line) appNodes.push(line.node);
        else if ('edge' in line) appEdges.push(line.edge);
        else report = line.app.report;
      }
      const appEvents = toOpenLineageEvents(
        {
          schemaVersion: 'qixflow-lineage/1',
          site: { host: o.host },
          nodes: appNodes,
          edges: appEdges,
          apps: [report],
        },
        {
          host: o.host,
          ...(o.openLineage?.namespace !== undefined ? { namespace: o.openLineage.namespace } : {}),
          ...(o.openLineage?.producer !== undefined ? { producer: o.openLineage.producer } : {}),
        },
      );
      for (const e of appEvents) await out.write(`${JSON.stringify(e)}\n`);
      if (o.openLineage?.url && appEvents.length > 0) {
        const result = await postOpenLineage(o.openLineage.url, appEvents, {
          ...(o.openLineage.headers ? { headers: o.openLineage.headers } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        });
        posted += result.posted;
        for (const f of result.failures) postFailures.push({ ...f, index: events + f.index });
      }
      events += appEvents.length;
    }
    await out.close();
    files.openLineage = olFile;
    openLineage = { events, posted, failures: postFailures };
    o.onProgress({ type: 'written', format: 'openlineage', file: olFile });
  }

  if (o.formats.has('html')) {
    const htmlFile = join(o.outDir, 'lineage.html');
    const out = new LineWriter(htmlFile);
    for await (const chunk of lineageHtmlChunks(
      (async function* () {
        for await (const line of readLines(graphFile)) yield `${line}\n`;
      })(),
      { title: o.title ?? `Qlik Sense lineage — ${o.host}` },
    )) {
      await out.write(chunk);
    }
    await out.close();
    files.html = htmlFile;
    o.onProgress({ type: 'written', format: 'html', file: htmlFile });
  }
  if (!o.formats.has('json')) await rm(graphFile, { force: true });

  return {
    aborted: false,
    ...base,
    files,
    nodes,
    edges,
    nodeCounts,
    edgeCounts,
    ...(openLineage ? { openLineage } : {}),
    durationMs: Date.now() - started,
  };
}
