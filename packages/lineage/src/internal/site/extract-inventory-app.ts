import type { Site } from '@qixflow/core';
import type { LineageDoc } from '../../lineage-doc.js';
import { type AppAnalysis, analyseApp } from '../app/analyse-app.js';
import type { AppInventoryInfo, AppSnapshot, ReloadFailureInfo, SnapshotProblem } from '../app/app-snapshot.js';
import { collectAppSnapshot, readModel } from '../app/collect-app-snapshot.js';
import { sha256Hex } from '../util/hash.js';
import { readReloadFailure } from './read-reload-failure.js';
import type { ResolvedSiteOptions } from './resolve-site-options.js';
import type { InventoryApp } from './site-inventory.js';

/** The app's repository facts; a failed last reload with what QRS says of it (`failure`: read from its log). */
export function inventoryInfo(app: InventoryApp, failure?: ReloadFailureInfo): AppInventoryInfo {
  const recorded = app.lastReloadFailure;
  return {
    streamId: app.streamId,
    streamName: app.streamName,
    ...(app.owner !== undefined ? { owner: app.owner } : {}),
    published: app.published,
    ...(app.modifiedDate !== null ? { modifiedDate: app.modifiedDate } : {}),
    ...(app.lastReloadTime !== null ? { lastReloadTime: app.lastReloadTime } : {}),
    ...(failure
      ? { lastReloadFailure: failure }
      : recorded
        ? { lastReloadFailure: { at: recorded.at, task: recorded.taskName } }
        : {}),
  };
}

/** Opens an app (with or without data), runs `job`, always closes; an abort closes the socket at once. */
async function withDoc<T>(
  site: Site,
  appId: string,
  noData: boolean,
  signal: AbortSignal,
  job: (doc: LineageDoc) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const connection = site.openApp(appId, noData ? { noData: true } : {});
  const abort = () => {
    void connection.close().catch(() => undefined);
  };
  signal.addEventListener('abort', abort, { once: true });
  try {
    // core's Doc is typed from the engine schema (@qixflow/qix): it is a LineageDoc as it is.
    const doc: LineageDoc = await connection.open();
    return await job(doc);
  } finally {
    signal.removeEventListener('abort', abort);
    await connection.close().catch(() => undefined);
  }
}

/**
 * One app: metadata without data (script, GetLineage, objects …); then, when the model is wanted,
 * GetTablesAndKeys from a second open with data. `model: 'always'` opens once, with data. Rejects
 * with what failed (a QixflowError of core: `ERR_ENGINE`, `ERR_SOCKET_CLOSED` …).
 */
export async function extractInventoryApp(
  site: Site,
  app: InventoryApp,
  o: ResolvedSiteOptions,
  signal: AbortSignal,
): Promise<{ analysis: AppAnalysis; contentHash: string }> {
  // A failed last reload explains an empty GetLineage: its script log says where it stopped.
  const failure = app.lastReloadFailure ? await readReloadFailure(site, app.lastReloadFailure, signal) : undefined;
  const base = { appId: app.id, appName: app.name, inventory: inventoryInfo(app, failure), signal };
  let snapshot: AppSnapshot;
  if (o.model === 'always') {
    snapshot = await withDoc(site, app.id, false, signal, (doc) =>
      collectAppSnapshot(doc, { ...base, readModel: true }),
    );
  } else {
    snapshot = await withDoc(site, app.id, true, signal, (doc) =>
      collectAppSnapshot(doc, { ...base, readModel: false }),
    );
    if (o.model === 'auto') {
      const first = analyseApp(snapshot, { includeScript: o.includeScript });
      const reloaded = app.lastReloadTime !== null || (snapshot.lineage?.length ?? 0) > 0;
      if (first.predictedTables === 0 || !reloaded)
        return { analysis: first, contentHash: sha256Hex(JSON.stringify(snapshot)) };
      const problems: SnapshotProblem[] = [...snapshot.problems];
      const model = await withDoc(site, app.id, false, signal, (doc) => readModel(doc, problems));
      snapshot = { ...snapshot, model, problems };
    }
  }
  return {
    analysis: analyseApp(snapshot, { includeScript: o.includeScript }),
    contentHash: sha256Hex(JSON.stringify(snapshot)),
  };
}
