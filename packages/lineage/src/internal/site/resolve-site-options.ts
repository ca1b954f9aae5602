import { resolve } from 'node:path';
import type { LineageFormat, LineageProgressEvent } from '../../lineage-progress.js';
import type { SiteLineageOptions } from '../../site-lineage-options.js';

/** {@link SiteLineageOptions} validated once and fully defaulted. */
export interface ResolvedSiteOptions {
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
  /** The caller's callback, made safe: an exception in it is ignored. */
  readonly onProgress: (event: LineageProgressEvent) => void;
  readonly title: string | undefined;
}

const FORMATS = new Set<LineageFormat>(['json', 'openlineage', 'html']);

/** Validates `extractSiteLineage`'s arguments (a `TypeError` naming the bad one) and fills in the defaults. */
export function resolveSiteOptions(site: unknown, options: unknown): ResolvedSiteOptions {
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
