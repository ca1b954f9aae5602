import { startServer } from './lib/start-server.js';
import { HEAVY, LIGHT, HEAVY_APP } from './suites/rx/apps.js';
import { rxqContender, plainContender } from './suites/rx/contenders.js';
import { runContext } from './suites/rx/run-context.js';
import { selectionRun } from './suites/rx/selections.js';

const sim = await startServer({ kind: 'simulator', options: { https: false, virtualProxies: [], site: { apps: [LIGHT, HEAVY] } } }, { isolate: 'process' });
const context = runContext(sim);
const which = process.argv[2] === 'plain' ? plainContender(true) : rxqContender;
try {
  const r = await selectionRun(context, which, { app: HEAVY_APP, objects: 4, selections: Number(process.argv[3] ?? 5), intervalMs: 20 });
  console.log(r);
} catch (e) { console.log(String(e)); }
await sim.stop();
