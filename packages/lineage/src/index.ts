export type {
  AppInventoryInfo,
  AppLineage,
  ExtractAppLineageOptions,
  ReloadFailureInfo,
} from './extract-app-lineage.js';
export { extractAppLineage } from './extract-app-lineage.js';
export { extractSiteLineage, updateSiteLineage } from './extract-site-lineage.js';
export type {
  AppReport,
  LineageCoverage,
  LineageDiagnostic,
  LineageEdge,
  LineageGraph,
  LineageNode,
  LineageSiteInfo,
  Provenance,
} from './generated/lineage-graph.js';
export { lineageGraphSchema } from './generated/lineage-graph.js';
export type { LineageDoc, LineageGenericObject } from './lineage-doc.js';
export type { LineageErrorCode, LineageErrorDetails } from './lineage-error.js';
export { isLineageError, LineageError } from './lineage-error.js';
export type { AppProgress, LineageFormat, LineageProgressEvent } from './lineage-progress.js';
export type { MergeLineageOptions } from './merge-lineage-graphs.js';
export { mergeLineageGraphs } from './merge-lineage-graphs.js';
export type { OpenLineageDataset, OpenLineageFacet, OpenLineageRunEvent } from './openlineage-types.js';
export type { PostOpenLineageOptions, PostOpenLineageResult } from './post-openlineage.js';
export { postOpenLineage } from './post-openlineage.js';
export type {
  LineagePath,
  LineageTrace,
  TraceDirection,
  TraceLevel,
  TraceOptions,
  TraceTree,
} from './query-lineage.js';
export { downstream, path, resolveLineageNode, upstream } from './query-lineage.js';
export type { LineageHtmlOptions } from './render-lineage-html.js';
export { renderLineageHtml } from './render-lineage-html.js';
export type { SiteLineageOptions } from './site-lineage-options.js';
export type { SiteLineageSummary } from './site-lineage-summary.js';
export type { OpenLineageOptions } from './to-openlineage-events.js';
export { OPENLINEAGE_PRODUCER, toOpenLineageEvents } from './to-openlineage-events.js';
export { validateLineageGraph } from './validate-lineage-graph.js';
export { writeGraphJson } from './write-graph-json.js';
export { writeOpenLineageNdjson } from './write-openlineage-ndjson.js';
