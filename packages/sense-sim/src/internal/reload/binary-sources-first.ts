import { parseScript } from '@qixflow/script';
import type { AppDoc } from '../engine/app/app-doc.js';
import { binaryApps } from './app-binary-loader.js';

/**
 * `apps` in reload order with each app's BINARY source before it: a dashboard that starts with
 * `Binary [lib://Apps/Sales.qvf];` finds Sales reloaded when every app reloads at start. The order
 * is otherwise kept; a cycle (A loads B, B loads A) is left as it comes, and its first app fails
 * for want of data, as on a server where neither was ever reloaded.
 */
export function binarySourcesFirst(apps: readonly AppDoc[]): AppDoc[] {
  const ordered: AppDoc[] = [];
  const visiting = new Set<AppDoc>();
  const visit = (app: AppDoc): void => {
    if (ordered.includes(app) || visiting.has(app)) return;
    visiting.add(app);
    const source = binarySource(app, apps);
    if (source && source !== app) visit(source);
    ordered.push(app);
  };
  for (const app of apps) visit(app);
  return ordered;
}

/** The app among `apps` the script's BINARY names, when its first statement is one and names one. */
function binarySource(app: AppDoc, apps: readonly AppDoc[]): AppDoc | undefined {
  if (!/\bbinary\b/i.test(app.script)) return undefined;
  const first = parseScript(app.script).ast.body.find((s) => s.kind !== 'Comment' && s.kind !== 'Tab');
  if (first?.kind !== 'Binary' || first.path.includes('$(')) return undefined;
  const found = binaryApps(first.path.split(/[\\/]/).pop() ?? '', apps);
  return found.length === 1 ? found[0] : undefined;
}
