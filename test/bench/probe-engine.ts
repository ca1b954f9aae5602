import { createSimulator } from '@qixflow/sense-sim';
import { RpcClient } from './lib/rpc-client.js';
import { LIGHT, HEAVY, cubeProps } from './suites/rx/apps.js';

const sim = await createSimulator({ https: false, virtualProxies: [], site: { apps: [LIGHT, HEAVY] } });
for (const [app, dim, rows, k] of [['rx-bench', 'L', 26, 200], ['rx-bench-heavy', 'G', 50, 5]] as const) {
  const c = await RpcClient.open(`${sim.engineUrl}/app/${app}/identity/p-${app}`);
  await c.call(-1, 'OpenDoc', [app]);
  const handles: number[] = [];
  for (let i = 0; i < k; i++) {
    const r = await c.call(1, 'CreateSessionObject', [cubeProps(i, `c${i}`, dim, rows)]);
    handles.push((r.result as { qReturn: { qHandle: number } }).qReturn.qHandle);
  }
  const field = ((await c.call(1, 'GetField', ['F'])).result as { qReturn: { qHandle: number } }).qReturn.qHandle;
  for (let round = 0; round < 4; round++) {
    let t = performance.now();
    await Promise.all(handles.map((h) => c.call(h, 'GetLayout')));
    const gl = performance.now() - t;
    t = performance.now();
    const sels = [];
    for (let s = 0; s < 50; s++) sels.push(c.call(field, 'SelectValues', [[{ qNumber: (s + round) % 50, qIsNumeric: true }]]));
    await Promise.all(sels);
    const sel = performance.now() - t;
    console.log(app, `GL x${k}: ${gl.toFixed(1)} ms (${(gl / k).toFixed(2)}/call); 50 selects ${sel.toFixed(1)} ms`);
  }
  c.close();
}
await sim.close();
