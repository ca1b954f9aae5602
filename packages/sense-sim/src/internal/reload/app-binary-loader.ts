import type { AppDoc } from '../engine/app/app-doc.js';
import type { LoadBinary } from './reload-environment.js';
import { ExecutionError } from './script-error.js';

/**
 * BINARY over the engine's apps: the data model of the last successful reload of the app whose
 * id is `request.app` (with or without `.qvf`, case-insensitive), else — for `<Name>.qvf` — of the
 * one app titled `<Name>` (case-insensitive, as the Windows file names a server gives its apps).
 * No match is the engine's "Cannot open file"; several apps of that title, or an app without data
 * (never reloaded, or only failed reloads), are script errors naming it. The model is shared, not
 * copied: the executor copies what it changes.
 *
 * @example
 * ```ts
 * const binary = appBinaryLoader(() => engine.apps.list());
 * await binary({ app: 'Sales Dashboard.qvf', written: 'lib://Apps/Sales Dashboard.qvf' });
 * ```
 */
export function appBinaryLoader(apps: () => readonly AppDoc[]): LoadBinary {
  return async ({ app, written }) => {
    const found = binaryApps(app, apps());
    const source = found[0];
    if (!source) throw new ExecutionError(`Cannot open file: '${written}'`);
    if (found.length > 1) {
      throw new ExecutionError(
        `${found.length} apps are titled '${source.title}', BINARY needs the app id: '${written}'`,
      );
    }
    if (!source.data) {
      throw new ExecutionError(
        `App '${source.title}' has no data to load (it has not been reloaded successfully): '${written}'`,
      );
    }
    return source.data;
  };
}

/**
 * The apps a BINARY's app id or file name stands for: the one with that id (`.qvf` or not), else,
 * for `<Name>.qvf`, every app titled `<Name>` — case-insensitive, as Windows file names.
 */
export function binaryApps(app: string, apps: readonly AppDoc[]): AppDoc[] {
  const name = app.replace(/\.qvf$/i, '').toLowerCase();
  const byId = apps.find((a) => a.id.toLowerCase() === name);
  if (byId) return [byId];
  return /\.qvf$/i.test(app) ? apps.filter((a) => a.title.toLowerCase() === name) : [];
}
