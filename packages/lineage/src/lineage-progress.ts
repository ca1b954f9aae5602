/** An output of a site crawl. */
export type LineageFormat = 'json' | 'openlineage' | 'html';

/** Fields every per-app progress event carries. */
export interface AppProgress {
  readonly appId: string;
  readonly appName: string;
  /** Apps finished so far (extracted, re-used or failed). */
  readonly done: number;
  readonly total: number;
}

/**
 * Progress of {@link extractSiteLineage}, for a progress bar: `state-discarded` when the resume state
 * file could not be used (before anything is extracted), `inventory` once, then per app
 * `app-skipped` (re-used from a previous run) or `app-started` followed by `app-done` / `app-failed`,
 * then `stitching` and one `written` per file.
 */
export type LineageProgressEvent =
  | {
      /** The resume state file was there but unusable (corrupt, unreadable, another host): every app is extracted again. */
      readonly type: 'state-discarded';
      readonly file: string;
      /** What is wrong with it, e.g. `is not JSON`. */
      readonly reason: string;
    }
  | { readonly type: 'inventory'; readonly total: number; readonly toExtract: number; readonly reused: number }
  | ({ readonly type: 'app-started' } & AppProgress)
  | ({
      readonly type: 'app-done';
      readonly status: 'ok' | 'partial';
      readonly nodes: number;
      readonly edges: number;
      /** Share of the model's fields the script analysis explains (null: model not read). */
      readonly coverage: number | null;
      readonly durationMs: number;
    } & AppProgress)
  | ({ readonly type: 'app-skipped' } & AppProgress)
  | ({ readonly type: 'app-failed'; readonly code: string; readonly message: string } & AppProgress)
  | { readonly type: 'stitching'; readonly apps: number }
  | { readonly type: 'written'; readonly format: LineageFormat | 'state'; readonly file: string };
