import type { Site } from '@qixflow/core';
import { crawlApps } from './internal/site/crawl-apps.js';
import { planCrawl } from './internal/site/plan-crawl.js';
import { resolveSiteOptions } from './internal/site/resolve-site-options.js';
import { stitchAndWrite } from './internal/site/stitch-and-write.js';
import type { LineageError } from './lineage-error.js';
import type { SiteLineageOptions } from './site-lineage-options.js';
import type { SiteLineageSummary } from './site-lineage-summary.js';

/**
 * Extracts the lineage of a whole site over the site's one proxy session: the app inventory from
 * QRS, then each app (a bounded number in parallel) opened without data where possible, analysed,
 * and written as an NDJSON fragment as soon as it is done (memory stays flat); a state file makes
 * re-runs skip apps unchanged since (same modifiedDate and lastReloadTime) and re-use their
 * fragments. At the end the fragments are stitched (SAME_AS across apps, BINARY_FROM, streams) from
 * a compact dataset index and streamed into the outputs. An app that fails is recorded (App node
 * with status failed, report with the error) and the crawl goes on.
 *
 * Three phases: {@link planCrawl} (inventory, resume state), {@link crawlApps} (the apps, into fragments),
 * {@link stitchAndWrite} (cross-app edges, the outputs). Bad options throw a `TypeError`; QRS failures
 * reject with core's QixflowError; the output folder's failures with a {@link LineageError}
 * (`ERR_LINEAGE_OUTPUT`, `ERR_LINEAGE_FRAGMENT_INVALID`, `ERR_LINEAGE_VIEWER_UNAVAILABLE`).
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
  return await crawlSite(site, resolveSiteOptions(site, options), undefined);
}

/**
 * Keeps a site's lineage in `outDir` current after some apps changed (a reload, a failed reload): the
 * inventory is read again, **only** `appIds` are extracted again (plus apps the folder has no usable
 * fragment of yet — after a first run, none), every other app's fragment is re-used as it is, the site
 * is stitched again and the outputs are rewritten. Apps deleted from the site (no longer in the
 * inventory) drop out of the outputs: `updateSiteLineage(site, [], options)` re-stitches without
 * extracting anything. With `openLineage.url` only the events of the apps extracted are POSTed (that
 * reload's runs); the NDJSON file holds every app's events, as after a full run. Same options, errors and
 * summary as {@link extractSiteLineage} (`resume` is implied); the re-used apps count as `skipped`.
 *
 * @example
 * ```ts
 * import { createSite } from '@qixflow/core';
 * import { extractSiteLineage, updateSiteLineage } from '@qixflow/lineage';
 *
 * const site = createSite({ host: 'https://sense.example.com', prefix: 'jwt', auth: { kind: 'jwt', privateKeyFile: 'key.pem', userId: 'svc', userDirectory: 'CORP' } });
 * const options = { outDir: 'lineage', formats: ['json', 'html'] as const, host: 'sense.example.com' };
 * await extractSiteLineage(site, options);
 * for await (const event of site.changes()) {
 *   if (event.type === 'app.reloaded' || event.type === 'reload.failed') await updateSiteLineage(site, [event.appId], options);
 * }
 * ```
 */
export async function updateSiteLineage(
  site: Site,
  appIds: readonly string[],
  options: SiteLineageOptions,
): Promise<SiteLineageSummary> {
  if (!Array.isArray(appIds) || appIds.some((id) => typeof id !== 'string' || id === '')) {
    throw new TypeError('updateSiteLineage: appIds must be an array of app ids');
  }
  return await crawlSite(site, resolveSiteOptions(site, options), new Set(appIds));
}

/** The three phases; `refresh`: an update of those apps (see {@link updateSiteLineage}). */
async function crawlSite(
  site: Site,
  o: ReturnType<typeof resolveSiteOptions>,
  refresh: ReadonlySet<string> | undefined,
): Promise<SiteLineageSummary> {
  const started = Date.now();
  const plan = await planCrawl(site, o, refresh);
  const { extracted, failures } = await crawlApps(site, plan, o);
  const base = {
    apps: { total: plan.apps.length, extracted, skipped: plan.reused.size, failed: failures.length },
    failures,
  };
  if (o.signal?.aborted === true) {
    return {
      aborted: true,
      ...base,
      files: { state: plan.stateFile, fragments: plan.fragmentsDir },
      nodes: 0,
      edges: 0,
      nodeCounts: {},
      edgeCounts: {},
      durationMs: Date.now() - started,
    };
  }
  const { files, nodes, edges, nodeCounts, edgeCounts, openLineage } = await stitchAndWrite(
    plan,
    o,
    // An update posts the events of the apps it extracted; a full run posts every app's.
    refresh === undefined ? undefined : new Set(plan.toExtract.map((a) => a.id)),
  );
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
