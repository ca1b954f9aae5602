import type { LineageFormat, LineageProgressEvent } from './lineage-progress.js';

/** Options of `extractSiteLineage` (validated there: a bad one is a `TypeError` naming it). */
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
    /** The script in the jobs' sourceCode facet: `'redacted'` (default) or `false` (left out). */
    readonly includeSourceCode?: 'redacted' | false;
  };
  /** Stops the crawl: apps in flight are abandoned (not recorded), finished apps stay in the state. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: LineageProgressEvent) => void;
  /** HTML page title. */
  readonly title?: string;
}
