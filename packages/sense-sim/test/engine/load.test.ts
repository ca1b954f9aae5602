import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSimulator, type Simulator } from '../../src/index.js';
import { eventually } from './engine-helpers.js';

const SALES_DASHBOARD = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';
const SOCKETS = 200;
const REQUESTS = 50;

/** One socket's job: open the app on its own session, then a mix of calls, all checked. */
async function job(sim: Simulator, n: number): Promise<number> {
  const ws = new WebSocket(`${sim.engineUrl}/app/${SALES_DASHBOARD}/identity/load-${n}`);
  const pending = new Map<number, (frame: Record<string, unknown>) => void>();
  let errors = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    if ('error' in frame) errors++;
    if (typeof frame.id === 'number') pending.get(frame.id)?.(frame);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let id = 0;
  const call = (
    handle: number,
    method: string,
    params: unknown[] = [],
    delta = n % 2 === 0,
  ): Promise<Record<string, unknown>> => {
    id += 1;
    const mine = id;
    return new Promise((resolve) => {
      pending.set(mine, (frame) => {
        pending.delete(mine);
        resolve(frame);
      });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: mine, handle, method, params, delta }));
    });
  };
  // Set-up calls without delta, so the handles can be read directly; half the sockets then use delta.
  await call(-1, 'OpenDoc', [SALES_DASHBOARD], false);
  const created = await call(
    1,
    'CreateSessionObject',
    [{ qInfo: { qType: 'load' }, qHyperCubeDef: { qDimensions: [{ qDef: { qFieldDefs: ['Region'] } }] }, n }],
    false,
  );
  const handle = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
  const calls: Promise<Record<string, unknown>>[] = [];
  for (let i = 0; i < REQUESTS - 2; i++) {
    const kind = i % 4;
    if (kind === 0) calls.push(call(-1, 'EngineVersion'));
    else if (kind === 1) calls.push(call(handle, 'GetLayout'));
    else if (kind === 2) calls.push(call(handle, 'SetProperties', [{ qInfo: { qType: 'load' }, n, i }]));
    else calls.push(call(1, 'GetAppLayout'));
  }
  await Promise.all(calls);
  await new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
  return errors;
}

describe('load: 200 concurrent sockets × 50 requests', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo', https: false });
  });
  afterAll(() => sim.close());

  it('completes every request without an error and leaks no session, handle or listener', async () => {
    const before = sim.stats().engine.requests;
    const errors = await Promise.all(Array.from({ length: SOCKETS }, (_, n) => job(sim, n)));
    expect(errors.reduce((a, b) => a + b, 0)).toBe(0);
    expect(sim.stats().engine.requests - before).toBe(SOCKETS * REQUESTS);
    await eventually(() => sim.stats().engine.connections === 0, 5000);
    expect(sim.stats().engine).toMatchObject({
      sessions: 0,
      connections: 0,
      handles: 0,
      runningRequests: 0,
      dependencyRecords: 0,
      appListeners: 0,
    });
  });
});
