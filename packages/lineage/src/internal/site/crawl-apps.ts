import { redact, type Site } from '@qixflow/core';
import type { LineageErrorCode } from '../../lineage-error.js';
import type { SiteLineageSummary } from '../../site-lineage-summary.js';
import { type AppAnalysis, failedApp } from '../app/analyse-app.js';
import type { AppState } from './crawl-state.js';
import { extractInventoryApp, inventoryInfo } from './extract-inventory-app.js';
import { writeFragment } from './fragment-store.js';
import type { CrawlPlan } from './plan-crawl.js';
import type { ResolvedSiteOptions } from './resolve-site-options.js';
import type { InventoryApp } from './site-inventory.js';

type AppFailure = SiteLineageSummary['failures'][number];

/** What the crawl phase did. */
export interface CrawlOutcome {
  readonly extracted: number;
  readonly failures: readonly AppFailure[];
}

// An app that failed with an error that has no code of its own (a bug, most likely): recorded under this code.
const UNCODED: LineageErrorCode = 'ERR_LINEAGE_APP';

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

/**
 * The code and message an app's failure is recorded with: `ERR_TIMEOUT` (core's) when `appTimeoutMs`
 * ran out, else the error's own code (a QixflowError's), else `ERR_LINEAGE_APP`.
 */
export function failureInfo(error: unknown, timedOut: boolean): { code: string; message: string } {
  if (timedOut) return { code: 'ERR_TIMEOUT', message: 'the app did not answer in time (appTimeoutMs)' };
  const e = error as { code?: unknown; message?: unknown } | null;
  return {
    code: typeof e?.code === 'string' ? e.code : UNCODED,
    // Engine errors quote the script line that failed, connection string included.
    message: redact(typeof e?.message === 'string' ? e.message : String(error)),
  };
}

/**
 * One app extracted under its timeout; a failure becomes a `failed` analysis. Undefined when the crawl
 * was aborted meanwhile: the app is abandoned (the next run does it again).
 */
async function extractOrFail(
  site: Site,
  app: InventoryApp,
  o: ResolvedSiteOptions,
): Promise<{ analysis: AppAnalysis; contentHash: string; failure?: AppFailure } | undefined> {
  const timeout = AbortSignal.timeout(o.appTimeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  try {
    return await extractInventoryApp(site, app, o, signal);
  } catch (error) {
    if (o.signal?.aborted === true) return undefined;
    const info = failureInfo(error, timeout.aborted);
    return {
      analysis: failedApp(app.id, app.name, inventoryInfo(app), info),
      contentHash: '',
      failure: { appId: app.id, appName: app.name, ...info },
    };
  }
}

/** Writes the app's fragment and its entry of the resume state. */
async function recordApp(
  plan: CrawlPlan,
  app: InventoryApp,
  analysis: AppAnalysis,
  contentHash: string,
): Promise<void> {
  const { file, hash } = await writeFragment(plan.fragmentsDir, analysis);
  const entry: AppState = {
    name: app.name,
    modifiedDate: app.modifiedDate,
    lastReloadTime: app.lastReloadTime,
    lastReloadFailure: app.lastReloadFailure?.at ?? null,
    contentHash,
    fragment: file,
    fragmentHash: hash,
    status: analysis.report.status,
    options: plan.optionsKey,
  };
  plan.state.apps[app.id] = entry;
  plan.writer.changed();
}

/** The `app-failed` or `app-done` event of a recorded app. */
function reportApp(
  o: ResolvedSiteOptions,
  app: InventoryApp,
  analysis: AppAnalysis,
  durationMs: number,
  progress: { done: number; total: number },
): void {
  const { report } = analysis;
  if (report.status === 'failed') {
    const error = report.error ?? { code: UNCODED, message: 'failed' };
    o.onProgress({
      type: 'app-failed',
      appId: app.id,
      appName: app.name,
      code: error.code,
      message: error.message,
      ...progress,
    });
    return;
  }
  const coverage = report.coverage;
  o.onProgress({
    type: 'app-done',
    appId: app.id,
    appName: app.name,
    status: report.status === 'partial' ? 'partial' : 'ok',
    nodes: analysis.graph.nodes.length,
    edges: analysis.graph.edges.length,
    coverage: coverage && coverage.status === 'checked' ? coverage.ratio : null,
    durationMs,
    ...progress,
  });
}

/**
 * Phase 2 of a site crawl: re-used apps count as done (`app-skipped`); the others are extracted, at most
 * `concurrency` at a time, each written as a fragment as soon as it is done (`app-started`, then
 * `app-done` or `app-failed`) — a failing app is recorded and the crawl goes on; an abort stops starting
 * apps and abandons those in flight. Ends with the state on disk (`written` `state`).
 */
export async function crawlApps(site: Site, plan: CrawlPlan, o: ResolvedSiteOptions): Promise<CrawlOutcome> {
  const total = plan.apps.length;
  let done = 0;
  for (const app of plan.apps) {
    if (!plan.reused.has(app.id)) continue;
    done++;
    o.onProgress({ type: 'app-skipped', appId: app.id, appName: app.name, done, total });
  }
  let extracted = 0;
  const failures: AppFailure[] = [];
  await pool(
    plan.toExtract,
    o.concurrency,
    () => o.signal?.aborted === true,
    async (app) => {
      o.onProgress({ type: 'app-started', appId: app.id, appName: app.name, done, total });
      const t0 = Date.now();
      const outcome = await extractOrFail(site, app, o);
      if (outcome === undefined) return;
      if (outcome.failure) failures.push(outcome.failure);
      await recordApp(plan, app, outcome.analysis, outcome.contentHash);
      done++;
      if (outcome.analysis.report.status !== 'failed') extracted++;
      reportApp(o, app, outcome.analysis, Date.now() - t0, { done, total });
    },
  );
  await plan.writer.flush();
  o.onProgress({ type: 'written', format: 'state', file: plan.stateFile });
  return { extracted, failures };
}
