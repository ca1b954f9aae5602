import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import { fileError } from '../util/file-error.js';
import { type CrawlState, CrawlStateWriter, loadCrawlState } from './crawl-state.js';
import { fragmentHash } from './fragment-store.js';
import type { ResolvedSiteOptions } from './resolve-site-options.js';
import { type InventoryApp, readSiteInventory, type SiteInventory } from './site-inventory.js';

/** What a crawl will do: the apps, which of them are re-used from the last run, and where it all goes. */
export interface CrawlPlan {
  readonly fragmentsDir: string;
  readonly stateFile: string;
  readonly inventory: SiteInventory;
  /** The apps of the crawl (the inventory after `appIds`), in QRS order. */
  readonly apps: readonly InventoryApp[];
  /** Apps whose fragment of the last run is re-used as it is. */
  readonly reused: ReadonlySet<string>;
  readonly toExtract: readonly InventoryApp[];
  /** The resume state (entries of re-used apps kept) and its writer. */
  readonly state: CrawlState;
  readonly writer: CrawlStateWriter;
  /** The extraction options a fragment is made with (a change re-extracts). */
  readonly optionsKey: string;
}

/**
 * True when the fragment of the last run stands for the app as it is now. With `refresh` (an update
 * of some apps), every app not named there keeps its fragment as long as it is intact, whatever its
 * dates say — the state keeps the dates it was extracted at, so a later full run still catches up.
 */
async function reusable(
  app: InventoryApp,
  plan: Omit<CrawlPlan, 'reused' | 'toExtract'>,
  refresh: ReadonlySet<string> | undefined,
): Promise<boolean> {
  const st = plan.state.apps[app.id];
  if (!st || st.options !== plan.optionsKey) return false;
  if (refresh !== undefined) {
    if (refresh.has(app.id)) return false;
    return (await fragmentHash(join(plan.fragmentsDir, st.fragment))) === st.fragmentHash;
  }
  if (st.status === 'failed') return false;
  if (st.modifiedDate !== app.modifiedDate || st.lastReloadTime !== app.lastReloadTime) return false;
  // A failed reload changes neither date, but it changes what the report says.
  if ((st.lastReloadFailure ?? null) !== (app.lastReloadFailure?.at ?? null)) return false;
  return (await fragmentHash(join(plan.fragmentsDir, st.fragment))) === st.fragmentHash;
}

/**
 * Phase 1 of a site crawl: creates the output folder (`ERR_LINEAGE_OUTPUT` when it cannot), reads the
 * inventory from QRS (its QixflowError when it fails), loads the resume state (`state-discarded` when it
 * was there but unusable) and decides which apps are re-used; ends with the `inventory` event. With
 * `refresh` (an update, see `updateSiteLineage`) exactly those apps are extracted again, plus apps
 * that have no usable fragment yet; the state is always loaded.
 */
export async function planCrawl(site: Site, o: ResolvedSiteOptions, refresh?: ReadonlySet<string>): Promise<CrawlPlan> {
  const fragmentsDir = join(o.outDir, 'fragments');
  const stateFile = join(o.outDir, 'lineage-state.json');
  try {
    await mkdir(fragmentsDir, { recursive: true });
  } catch (error) {
    throw fileError('ERR_LINEAGE_OUTPUT', 'create the folder', fragmentsDir, error);
  }
  const inventory = await readSiteInventory(site, {
    ...(o.filter !== undefined ? { filter: o.filter } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const apps = inventory.apps.filter((a) => !o.appIds || o.appIds.has(a.id));
  const resume = o.resume || refresh !== undefined;
  const loaded = resume ? await loadCrawlState(stateFile, o.host) : undefined;
  const state = loaded?.state ?? { version: 1 as const, host: o.host, apps: {} };
  if (loaded?.discarded !== undefined) {
    o.onProgress({ type: 'state-discarded', file: stateFile, reason: loaded.discarded });
  }
  const writer = new CrawlStateWriter(stateFile, state);
  // v2: fragments are redacted; those of earlier versions may hold credentials and are not re-used.
  // v3: fragments have INDIRECT (filter/join/group-by) edges; earlier ones are extracted again.
  const optionsKey = JSON.stringify({ model: o.model, includeScript: o.includeScript, v: 3 });
  const base = { fragmentsDir, stateFile, inventory, apps, state, writer, optionsKey };

  const reused = new Set<string>();
  for (const app of apps) {
    if (resume && (await reusable(app, base, refresh))) reused.add(app.id);
  }
  const toExtract = apps.filter((a) => !reused.has(a.id));
  o.onProgress({ type: 'inventory', total: apps.length, toExtract: toExtract.length, reused: reused.size });
  return { ...base, reused, toExtract };
}
