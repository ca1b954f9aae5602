import { redact } from '@qixflow/core';
import type { AppReport, LineageGraph } from '../../generated/lineage-graph.js';
import type { ConnectionRef } from '../datasets/dataset-identity.js';
import { CONFIDENCE } from '../graph/confidence.js';
import { type DatasetUse, datasetIndex } from '../graph/dataset-index.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { ids } from '../graph/node-ids.js';
import { redactReport } from '../graph/redact-graph.js';
import { analyseScript } from '../script/analyse-script.js';
import { sha256Hex } from '../util/hash.js';
import { analyseConsumption } from './analyse-consumption.js';
import type { AppSnapshot } from './app-snapshot.js';

export type { DatasetUse } from '../graph/dataset-index.js';

import { reconcileLineage } from './reconcile-lineage.js';
import { reconcileModel } from './reconcile-model.js';
import { reloadDiagnostics, reloadState } from './reload-state.js';

/** One app's lineage: its graph fragment, its report and its dataset index. */
export interface AppAnalysis {
  readonly graph: LineageGraph;
  readonly report: AppReport;
  readonly datasets: readonly DatasetUse[];
  readonly binaryPaths: readonly string[];
  /** How many final tables the script analysis predicts (decides whether the model is worth reading). */
  readonly predictedTables: number;
}

/** Options of {@link analyseApp}. */
export interface AnalyseAppOptions {
  readonly includeScript: boolean;
}

function connectionRefs(snapshot: AppSnapshot): ConnectionRef[] {
  return snapshot.connections.map((c) => ({
    ...(c.qId ? { id: c.qId } : {}),
    name: c.qName,
    type: c.qType ?? '',
    connectionString: c.qConnectionString ?? '',
  }));
}

/**
 * The lineage of one app from what the engine answered: a pure function, so the same snapshot
 * always gives the same graph (sorted by id).
 */
export function analyseApp(snapshot: AppSnapshot, options: AnalyseAppOptions): AppAnalysis {
  const graph = new GraphBuilder(snapshot.appId);
  const appNodeId = ids.app(snapshot.appId);
  const scriptHash = sha256Hex(snapshot.script, 16);
  const inv = snapshot.inventory;
  const app = graph.node(
    'App',
    appNodeId,
    snapshot.appName,
    {
      appId: snapshot.appId,
      ...(inv.streamId !== undefined ? { streamId: inv.streamId } : {}),
      ...(inv.streamName !== undefined ? { streamName: inv.streamName } : {}),
      ...(inv.owner !== undefined ? { owner: inv.owner } : {}),
      ...(inv.published !== undefined ? { published: inv.published } : {}),
      ...(inv.modifiedDate !== undefined ? { modifiedDate: inv.modifiedDate } : {}),
      ...(inv.lastReloadTime !== undefined ? { lastReloadTime: inv.lastReloadTime } : {}),
      ...(inv.lastReloadFailure !== undefined ? { lastReloadFailure: { ...inv.lastReloadFailure } } : {}),
      scriptHash,
      status: 'ok',
    },
    { provenance: 'repository', confidence: CONFIDENCE.confirmed },
  );
  const connections = connectionRefs(snapshot);
  // Every connection the app can see is a site-level node; the script links the ones it uses.
  for (const c of connections) {
    graph.node(
      'Connection',
      ids.connection(c.name),
      c.name,
      {
        ...(c.id ? { connectionId: c.id } : {}),
        connectionType: c.type,
        connectionString: redact(c.connectionString),
        resolved: true,
      },
      { provenance: 'model', confidence: CONFIDENCE.confirmed },
      { siteLevel: true },
    );
  }
  const analysis = analyseScript(graph, {
    appId: snapshot.appId,
    script: snapshot.script,
    connections,
    includes: snapshot.includes,
  });
  const ctx = analysis.context;
  const reload = reloadState(snapshot);
  reconcileLineage(ctx, snapshot.lineage, reload);
  const { coverage, fields } = reconcileModel(ctx, snapshot.model ? snapshot.model.tables : null);
  analyseConsumption(ctx, snapshot, fields, analysis.variables, analysis.expansions);
  if (ctx.binaryPaths[0] !== undefined) app.attributes.binary = ctx.binaryPaths[0];

  const diagnostics = [
    ...snapshot.problems.map((p) => ({ code: p.code, severity: 'warning' as const, message: p.message })),
    ...reloadDiagnostics(reload),
    ...ctx.diagnostics,
  ];
  const status: AppReport['status'] = snapshot.problems.length > 0 ? 'partial' : 'ok';
  app.attributes.status = status;
  const built = graph.build();
  const datasets = datasetIndex(built.nodes, built.edges);
  const report: AppReport = {
    appId: snapshot.appId,
    name: snapshot.appName,
    status,
    coverage,
    diagnostics,
    ...(inv.lastReloadTime !== undefined ? { lastReloadTime: inv.lastReloadTime } : {}),
    scriptHash,
    ...(options.includeScript ? { script: snapshot.script } : {}),
  };
  const safeReport = redactReport(report);
  return {
    graph: { schemaVersion: 'qixflow-lineage/1', nodes: built.nodes, edges: built.edges, apps: [safeReport] },
    report: safeReport,
    datasets,
    binaryPaths: ctx.binaryPaths.map(redact),
    predictedTables: ctx.tables.filter((t) => !t.dropped && !t.mapping).length,
  };
}

/** The graph fragment of an app that could not be read: its App node and the error. */
export function failedApp(
  appId: string,
  appName: string,
  inventory: AppSnapshot['inventory'],
  error: { code: string; message: string },
): AppAnalysis {
  const graph = new GraphBuilder(appId);
  graph.node(
    'App',
    ids.app(appId),
    appName,
    {
      appId,
      ...(inventory.streamId !== undefined ? { streamId: inventory.streamId } : {}),
      ...(inventory.streamName !== undefined ? { streamName: inventory.streamName } : {}),
      ...(inventory.owner !== undefined ? { owner: inventory.owner } : {}),
      ...(inventory.published !== undefined ? { published: inventory.published } : {}),
      ...(inventory.modifiedDate !== undefined ? { modifiedDate: inventory.modifiedDate } : {}),
      ...(inventory.lastReloadTime !== undefined ? { lastReloadTime: inventory.lastReloadTime } : {}),
      status: 'failed',
    },
    { provenance: 'repository', confidence: CONFIDENCE.confirmed },
  );
  const built = graph.build();
  const report: AppReport = redactReport({
    appId,
    name: appName,
    status: 'failed',
    error,
    diagnostics: [{ code: 'app-failed', severity: 'error', message: error.message }],
    ...(inventory.lastReloadTime !== undefined ? { lastReloadTime: inventory.lastReloadTime } : {}),
  });
  return {
    graph: { schemaVersion: 'qixflow-lineage/1', nodes: built.nodes, edges: built.edges, apps: [report] },
    report,
    datasets: [],
    binaryPaths: [],
    predictedTables: 0,
  };
}
