import { startServer } from './lib/start-server.js';
import { HEAVY, LIGHT, HEAVY_APP } from './suites/rx/apps.js';
import { rxqContender, plainContender } from './suites/rx/contenders.js';
import { runContext } from './suites/rx/run-context.js';
import { selectionRun } from './suites/rx/selections.js';

const sim = await startServer({ kind: 'simulator', options: { https: false, virtualProxies: [], site: { apps: [LIGHT, HEAVY] } } }, { isolate: 'process' });
const context = runContext(sim);
const base = process.argv[2] === 'plain' ? plainContender(true) : rxqContender;
const which = { name: base.name, async open(u: string, a: string, i: string) {
  const c = await base.open(u, a, i);
  return { ...c, subscribe: (t: any, cb: any) => c.subscribe(t, (l: any) => { console.log(t.key, JSON.stringify(l.qHyperCube.qGrandTotalRow)); cb(l); }),
    select: async (f: string, v: readonly number[]) => { const r = await c.select(f, v); console.log('selected', v.length, r); return r; } };
} };
try {
  const r = await selectionRun(context, which, { app: HEAVY_APP, objects: 2, selections: Number(process.argv[3] ?? 5), intervalMs: 20 });
  console.log(r);
} catch (e) { console.log(String(e)); }
await sim.stop();
