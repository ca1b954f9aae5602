import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startQixflow } from './support/run-qixflow.js';

// The deadline is 1 s; the rest is room for a loaded 2-core machine.
const STOP_BOUND_MS = 1500;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-sim-stop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qixflow sim stops promptly', () => {
  it('exits 0 within a second of SIGTERM, cutting off an open engine socket', { timeout: 60_000 }, async () => {
    const sim = startQixflow(['sim', '--port', '0', '--no-check', '--out', join(dir, 'term')]);
    await sim.waitForLine(/^Press Ctrl-C to stop\.$/, { timeoutMs: 45_000 });
    const url = /without authentication \(like Qlik Core\): (ws:\/\/\S+)\/app\/<appId>/.exec(sim.stdout())?.[1];
    expect(url).toBeDefined();
    const ws = new WebSocket(`${url}/app/engineData`);
    ws.on('error', () => {});
    await new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

    const sent = performance.now();
    sim.process.kill('SIGTERM');
    const result = await sim.done;
    expect(performance.now() - sent).toBeLessThan(STOP_BOUND_MS);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('stopping the simulator');
    expect(await closed).toBe(1006);
  });

  it('stops within a second when interrupted during the start-up check', { timeout: 60_000 }, async () => {
    const sim = startQixflow(['sim', '--port', '0', '--out', join(dir, 'check')]);
    // The instructions come just before the check starts.
    await sim.waitForLine(/^ {2}faults: POST /, { timeoutMs: 45_000 });
    const sent = performance.now();
    sim.process.kill('SIGINT');
    const result = await sim.done;
    expect(performance.now() - sent).toBeLessThan(STOP_BOUND_MS);
    expect(result.code).toBe(0);
  });
});
