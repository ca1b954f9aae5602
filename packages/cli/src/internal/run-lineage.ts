import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Site } from '@qixflow/core';
import {
  extractSiteLineage,
  type LineageFormat,
  type LineageGraph,
  type LineageProgressEvent,
  type SiteLineageOptions,
  type SiteLineageSummary,
} from '@qixflow/lineage';
import type { CliContext } from '../cli-context.js';
import { describeError } from '../describe-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { escapeControl } from '../output/escape-control.js';
import { createProgress, type Progress } from '../output/progress.js';

/** Options of {@link runLineage}. */
export interface LineageRunOptions {
  outDir: string;
  formats: LineageFormat[];
  concurrency: number;
  /** App ids; every app (matching `filter`) when absent. */
  appIds?: string[];
  filter?: string;
  resume?: boolean;
  model?: 'auto' | 'always' | 'never';
  appTimeoutMs?: number;
  openLineageUrl?: string;
  /** Job namespace of the events (default the library's: `OPENLINEAGE_NAMESPACE`, else `qlik://<host>`). */
  openLineageNamespace?: string;
  /** Sent as `Authorization: Bearer …` with every posted event. */
  openLineageApiKey?: string;
  /** The script in the jobs' sourceCode facet: redacted (default) or left out. */
  openLineageSourceCode?: 'redacted' | 'none';
  /** Name of the site in the graph and the OpenLineage namespaces. */
  host?: string;
  /** Title of the HTML page. */
  title?: string;
}

/** What the CLI prints of a run. */
export interface LineageReport {
  summary: SiteLineageSummary;
  tables: number;
  fields: number;
  /** SAME_AS links between QVD nodes of different apps (written by one, read by another). */
  crossAppQvdLinks: number;
}

/**
 * Runs the extraction with a progress bar (plain lines when stderr is not a terminal); Ctrl-C
 * aborts it.
 *
 * @example
 * ```ts
 * const report = await runLineage(site, { outDir: 'out', formats: ['json'], concurrency: 4 }, context);
 * ```
 */
export async function runLineage(site: Site, options: LineageRunOptions, context: CliContext): Promise<LineageReport> {
  const progress = createProgress(context.terminal, 'lineage');
  const tracker = progressTracker(progress);
  let summary: SiteLineageSummary;
  try {
    summary = await extractSiteLineage(
      site,
      siteLineageOptions(options, context.interrupted, (event) => tracker(event)),
    );
  } finally {
    progress.stop();
  }
  return {
    summary,
    tables: summary.nodeCounts.ModelTable ?? 0,
    fields: summary.nodeCounts.ModelField ?? 0,
    crossAppQvdLinks: await countCrossAppQvdLinks(summary),
  };
}

/**
 * The options of `extractSiteLineage` / `updateSiteLineage` for a run of the CLI.
 *
 * @example
 * ```ts
 * await updateSiteLineage(site, [appId], siteLineageOptions(options, context.interrupted));
 * ```
 */
export function siteLineageOptions(
  options: LineageRunOptions,
  signal: AbortSignal,
  onProgress?: (event: LineageProgressEvent) => void,
): SiteLineageOptions {
  return {
    outDir: resolve(options.outDir),
    formats: options.formats,
    concurrency: options.concurrency,
    signal,
    ...(options.appIds === undefined ? {} : { appIds: options.appIds }),
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.appTimeoutMs === undefined ? {} : { appTimeoutMs: options.appTimeoutMs }),
    openLineage: {
      ...(options.openLineageUrl === undefined ? {} : { url: options.openLineageUrl }),
      ...(options.openLineageNamespace === undefined ? {} : { namespace: options.openLineageNamespace }),
      ...(options.openLineageApiKey === undefined
        ? {}
        : { headers: { authorization: `Bearer ${options.openLineageApiKey}` } }),
      ...(options.openLineageSourceCode === 'none' ? { includeSourceCode: false as const } : {}),
    },
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(onProgress === undefined ? {} : { onProgress }),
  };
}

/** Turns the extraction's events into progress updates; remembers the total for the last steps. */
function progressTracker(progress: Progress): (event: LineageProgressEvent) => void {
  let total = 0;
  let done = 0;
  return (event) => {
    switch (event.type) {
      case 'inventory':
        total = event.total;
        progress.update(0, total, `${total} apps, ${event.toExtract} to extract`);
        return;
      case 'stitching':
        progress.update(total, total, `stitching ${event.apps} apps together`);
        return;
      case 'written':
        return;
      case 'state-discarded':
        // Said before the re-crawl starts: a run that should have taken seconds takes long.
        progress.log(`warning: the lineage state ${event.file} ${event.reason}: every app is extracted again`);
        return;
      default:
        break;
    }
    total = event.total;
    done = event.done;
    switch (event.type) {
      case 'app-started':
        progress.update(done, total, event.appName);
        return;
      case 'app-done':
        progress.update(done, total, `${event.appName} done${event.status === 'partial' ? ' (partial)' : ''}`);
        return;
      case 'app-skipped':
        progress.update(done, total, `${event.appName} unchanged since the last run`);
        return;
      case 'app-failed':
        progress.log(`failed: ${escapeControl(event.appName)}: ${event.code}: ${escapeControl(event.message)}`);
        progress.update(done, total, `${event.appName} failed`);
        return;
    }
  };
}

/**
 * SAME_AS edges between QVD datasets of different apps (one writes the QVD, the other reads it):
 * read from the graph file when it was written, otherwise every SAME_AS edge of the summary.
 */
async function countCrossAppQvdLinks(summary: SiteLineageSummary): Promise<number> {
  const fallback = summary.edgeCounts.SAME_AS ?? 0;
  if (summary.files.graph === undefined) return fallback;
  let graph: LineageGraph;
  try {
    graph = JSON.parse(await readFile(summary.files.graph, 'utf8')) as LineageGraph;
  } catch {
    return fallback;
  }
  const qvds = new Map<string, string | undefined>();
  for (const node of graph.nodes ?? []) {
    if (node.kind === 'ExternalDataset' && node.attributes.datasetType === 'qvd') qvds.set(node.id, node.appId);
  }
  return (graph.edges ?? []).filter(
    (edge) =>
      edge.kind === 'SAME_AS' && qvds.has(edge.from) && qvds.has(edge.to) && qvds.get(edge.from) !== qvds.get(edge.to),
  ).length;
}

/**
 * The summary lines: apps, tables, fields, cross-app QVD links, proxy sessions used, files.
 *
 * @example
 * ```ts
 * for (const line of formatLineageSummary(report, 'out', 1)) terminal.out(line);
 * ```
 */
export function formatLineageSummary(report: LineageReport, outDir: string, proxySessions: number): string[] {
  const { summary } = report;
  const apps = summary.apps;
  const details = [
    `${apps.extracted} extracted`,
    ...(apps.skipped > 0 ? [`${apps.skipped} unchanged since the last run`] : []),
    ...(apps.failed > 0 ? [`${apps.failed} failed`] : []),
  ];
  const files = [summary.files.graph, summary.files.openLineage, summary.files.html]
    .filter((f): f is string => f !== undefined)
    .map((f) => basename(f));
  const rows: [string, string][] = [
    ['apps', `${apps.total} (${details.join(', ')})`],
    ['tables', String(report.tables)],
    ['fields', String(report.fields)],
    ['cross-app QVD links', String(report.crossAppQvdLinks)],
    ['proxy sessions used', String(proxySessions)],
    ['files', files.length === 0 ? '(none)' : files.join(', ')],
  ];
  const ol = summary.openLineage;
  // Posting was asked for when anything was posted or refused.
  if (ol !== undefined && ol.posted + ol.failures.length > 0) {
    rows.push([
      'OpenLineage events',
      `${ol.posted} of ${ol.events} posted${ol.failures.length > 0 ? `, ${ol.failures.length} refused` : ''}`,
    ]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    summary.aborted
      ? `lineage interrupted: nothing stitched yet; run the same command again to resume from ${resolve(outDir)}`
      : `lineage written to ${resolve(outDir)}`,
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)} ${value}`),
    ...summary.failures.map((f) => `  failed: ${f.appName ?? f.appId} (${f.appId}): ${f.code}: ${f.message}`),
    ...(summary.openLineage?.failures ?? [])
      .slice(0, 5)
      .map(
        (f) =>
          `  OpenLineage event ${f.index + 1} refused${f.status === undefined ? '' : ` (${f.status})`}: ${f.message}`,
      ),
  ];
}

/**
 * 0 when every app succeeded; 6 (partial) when some apps failed or some OpenLineage events were
 * refused; when every app failed, the first failure's own exit code (an authentication problem
 * stays a 4); 130 when interrupted.
 *
 * @example
 * ```ts
 * return lineageExitCode(report);
 * ```
 */
export function lineageExitCode(report: LineageReport): ExitCode {
  const { summary } = report;
  if (summary.aborted) return EXIT_CODES.interrupted;
  const succeeded = summary.apps.extracted + summary.apps.skipped;
  const [first] = summary.failures;
  if (first !== undefined && succeeded === 0) {
    // A recorded failure is a coded error as it is: its code decides, as if it had been thrown.
    const { exitCode } = describeError(first);
    return exitCode === EXIT_CODES.ok ? EXIT_CODES.failure : exitCode;
  }
  if (summary.failures.length > 0 || (summary.openLineage?.failures.length ?? 0) > 0) return EXIT_CODES.partial;
  return EXIT_CODES.ok;
}
