import { basename } from 'node:path';
import type { Site, SiteChangeEvent } from '@qixflow/core';
import { type SiteLineageSummary, updateSiteLineage } from '@qixflow/lineage';
import type { CliContext } from '../cli-context.js';
import { describeError } from '../describe-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { untilAborted } from './interrupt.js';
import {
  formatLineageSummary,
  type LineageRunOptions,
  lineageExitCode,
  runLineage,
  siteLineageOptions,
} from './run-lineage.js';
import { startSiteFeed } from './site-feed.js';

/** Options of {@link watchLineage}. */
export interface WatchLineageOptions {
  /** Shortest time between polls of the site, ms. */
  readonly intervalMs: number;
}

/** What is waiting to be done: apps to extract again (with the event that asked), and whether apps were deleted. */
interface Pending {
  readonly apps: Map<string, SiteChangeEvent>;
  deleted: boolean;
}

/**
 * `qixflow lineage --watch`: the lineage run, then, until Ctrl-C, the site's changes — each
 * `app.reloaded` / `reload.failed` extracts that app again and rewrites the outputs
 * (`updateSiteLineage`: every other app's fragment is re-used; OpenLineage events of that app are
 * posted when posting is configured); an `app.deleted` re-stitches without it. Changes that arrive
 * during a run are gathered into the next one. The feed starts before the first run, so a reload
 * during it is not missed. Exit 0 on Ctrl-C (130 when it interrupts the first run).
 *
 * @example
 * ```ts
 * return await watchLineage(site, runOptions, { intervalMs: 2000 }, context);
 * ```
 */
export async function watchLineage(
  site: Site,
  options: LineageRunOptions,
  watch: WatchLineageOptions,
  context: CliContext,
): Promise<ExitCode> {
  const { terminal } = context;
  const scope = options.appIds === undefined ? undefined : new Set(options.appIds);
  const pending: Pending = { apps: new Map(), deleted: false };
  let wake: (() => void) | undefined;
  const feed = await startSiteFeed(
    site,
    {
      minIntervalMs: watch.intervalMs,
      maxIntervalMs: Math.max(30_000, watch.intervalMs),
      onChange: (event) => {
        if (event.type === 'app.reloaded' || event.type === 'reload.failed') {
          if (scope !== undefined && !scope.has(event.appId)) return;
          pending.apps.set(event.appId, event);
        } else if (event.type === 'app.deleted') pending.deleted = true;
        else return;
        wake?.();
      },
    },
    context,
  );
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const report = await runLineage(site, options, context);
    for (const line of formatLineageSummary(report, options.outDir, site.stats().proxySessionsCreated)) {
      terminal.out(line);
    }
    if (report.summary.aborted) return lineageExitCode(report);
    terminal.err('watching the site for reloads; Ctrl-C to stop');
    const interrupted = untilAborted(context.interrupted);
    for (;;) {
      if (pending.apps.size === 0 && !pending.deleted) {
        await Promise.race([
          interrupted,
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
        ]);
        wake = undefined;
      }
      if (context.interrupted.aborted) break;
      const events = [...pending.apps.values()];
      pending.apps.clear();
      pending.deleted = false;
      await updateOnce(site, options, events, context);
    }
    terminal.err('stopped');
    return EXIT_CODES.ok;
  } finally {
    clearInterval(keepAlive);
    feed.close();
  }
}

/** One update for the apps of `events` (none: a re-stitch after a deletion); a failure is a warning. */
async function updateOnce(
  site: Site,
  options: LineageRunOptions,
  events: readonly SiteChangeEvent[],
  context: CliContext,
): Promise<void> {
  let summary: SiteLineageSummary;
  try {
    summary = await updateSiteLineage(
      site,
      events.map((e) => e.appId),
      siteLineageOptions(options, context.interrupted),
    );
  } catch (error) {
    const { code, message } = describeError(error);
    context.terminal.err(`warning: updating the lineage failed (${code}: ${message}); the next change tries again`);
    return;
  }
  if (summary.aborted) return;
  context.terminal.out(formatUpdate(events, summary));
  for (const f of summary.failures)
    context.terminal.out(`  failed: ${f.appName} (${f.appId}): ${f.code}: ${f.message}`);
}

/**
 * The line an update prints: `lineage updated: "HR Overview" (app.reloaded): 1 extracted, 4 re-used → lineage.json, …`.
 *
 * @example
 * ```ts
 * formatUpdate([event], summary);
 * ```
 */
function formatUpdate(events: readonly SiteChangeEvent[], summary: SiteLineageSummary): string {
  const what =
    events.length === 0 ? 'apps deleted' : events.map((e) => `${JSON.stringify(e.appName)} (${e.type})`).join(', ');
  const files = [summary.files.graph, summary.files.openLineage, summary.files.html]
    .filter((f): f is string => f !== undefined)
    .map((f) => basename(f));
  const ol = summary.openLineage;
  const posted =
    ol !== undefined && ol.posted + ol.failures.length > 0 ? `; ${ol.posted} OpenLineage events posted` : '';
  return `lineage updated: ${what}: ${summary.apps.extracted} extracted, ${summary.apps.skipped} re-used${
    summary.apps.failed > 0 ? `, ${summary.apps.failed} failed` : ''
  } → ${files.join(', ')}${posted}`;
}
