import type { AppReport, LineageGraph } from './generated/lineage-graph.js';
import { analyseApp } from './internal/app/analyse-app.js';
import type { AppInventoryInfo } from './internal/app/app-snapshot.js';
import { collectAppSnapshot } from './internal/app/collect-app-snapshot.js';
import type { LineageDoc } from './lineage-doc.js';

export type { AppInventoryInfo, ReloadFailureInfo } from './internal/app/app-snapshot.js';

/** Options of {@link extractAppLineage}. */
export interface ExtractAppLineageOptions {
  /** The app id (ids of the graph derive from it). */
  readonly appId: string;
  /** Display name; default the app's title (GetAppLayout). */
  readonly appName?: string;
  /** Repository facts (stream, owner, dates) for the App node; lastReloadTime also feeds OpenLineage run ids. */
  readonly app?: AppInventoryInfo;
  /**
   * Read the data model (GetTablesAndKeys) to check the script analysis against it: `'auto'`
   * (default) when the doc was opened with data, `'always'`, or `'never'` (the script's end state
   * stands for the model; coverage `unverified`).
   */
  readonly model?: 'auto' | 'always' | 'never';
  /** Keep the script text in the app report (for the OpenLineage sourceCode facet). Default true. */
  readonly includeScript?: boolean;
  readonly signal?: AbortSignal;
}

/** One app's lineage. */
export interface AppLineage {
  /** This app's graph: its nodes and edges and one app report (valid against the schema). */
  readonly graph: LineageGraph;
  readonly report: AppReport;
}

function validate(doc: unknown, options: unknown): asserts options is ExtractAppLineageOptions {
  if (doc === null || typeof doc !== 'object' || typeof (doc as { getScript?: unknown }).getScript !== 'function') {
    throw new TypeError('extractAppLineage: doc must be an enigma.js Doc (an object with getScript, getLineage, …)');
  }
  if (options === null || typeof options !== 'object')
    throw new TypeError('extractAppLineage: options must be an object');
  const o = options as Record<string, unknown>;
  if (typeof o.appId !== 'string' || o.appId === '')
    throw new TypeError('extractAppLineage: options.appId must be a non-empty string');
  if (o.appName !== undefined && typeof o.appName !== 'string')
    throw new TypeError('extractAppLineage: options.appName must be a string');
  if (o.model !== undefined && o.model !== 'auto' && o.model !== 'always' && o.model !== 'never') {
    throw new TypeError(`extractAppLineage: options.model must be 'auto', 'always' or 'never', got ${String(o.model)}`);
  }
  if (o.includeScript !== undefined && typeof o.includeScript !== 'boolean')
    throw new TypeError('extractAppLineage: options.includeScript must be a boolean');
}

/**
 * Extracts the lineage of one open app: its script (parsed and analysed down to field level),
 * GetLineage (reconciled with the script), the data model (checked against the script: coverage),
 * connections, variables, master items, sheets and visualisations. The doc may be opened without
 * data (`openApp(id, { noData: true })`): then the model is not read and the script's end state
 * stands for it. GetScript failing rejects with a `QixflowError` (`ERR_ENGINE` …, also for a plain
 * enigma.js Doc); other calls failing make the report `partial`; bad options throw a `TypeError`.
 *
 * @example
 * ```ts
 * import { createSite } from '@qixflow/core';
 * import { extractAppLineage } from '@qixflow/lineage';
 *
 * const { graph, report } = await site.withApp(appId, (doc) => extractAppLineage(doc, { appId }));
 * console.log(report.coverage?.ratio, graph.nodes.length);
 * ```
 */
export async function extractAppLineage(doc: LineageDoc, options: ExtractAppLineageOptions): Promise<AppLineage> {
  validate(doc, options);
  const model = options.model ?? 'auto';
  const snapshot = await collectAppSnapshot(doc, {
    appId: options.appId,
    ...(options.appName !== undefined ? { appName: options.appName } : {}),
    inventory: options.app ?? {},
    readModel: model === 'always' ? true : model === 'never' ? false : 'auto',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const analysis = analyseApp(snapshot, { includeScript: options.includeScript ?? true });
  return { graph: analysis.graph, report: analysis.report };
}
