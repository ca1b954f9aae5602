import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
// The deadline is 1 s; the rest is room for a loaded 2-core machine.
const STOP_BOUND_MS = 1500;

let dir: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-sim-signals-'));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts `qixflow-sim` from its sources, as `pnpm sim` does, and waits until it is ready. */
async function startSim(args: string[]): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--conditions=@qixflow/source', '--import', 'tsx', 'src/cli.ts', '--port', '0', '--http', '--out', dir, ...args],
    { cwd: PACKAGE, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const started = Date.now();
  while (!stdout.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || Date.now() - started > 45_000) {
      child.kill('SIGKILL');
      throw new Error(`qixflow-sim did not start\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, stdout: () => stdout, exited };
}

/** Opens an engine websocket and leaves it open, as a client the simulator has to cut off. */
async function holdEngineSocket(sim: Running): Promise<WebSocket> {
  const url = /without authentication.*: (ws:\/\/\S+)\/app\/<appId>/.exec(sim.stdout())?.[1];
  expect(url).toBeDefined();
  const ws = new WebSocket(`${url}/app/engineData`);
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('message', resolve));
  return ws;
}

describe('qixflow-sim on SIGTERM and SIGINT', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops within a second on %s, cutting off open engine sockets',
    { timeout: 60_000 },
    async (signal) => {
      const sim = await startSim(['--no-check']);
      const ws = await holdEngineSocket(sim);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      const sent = performance.now();
      sim.child.kill(signal);
      const { code, at } = await sim.exited;
      expect(at - sent).toBeLessThan(STOP_BOUND_MS);
      expect(code).toBe(0);
      // Terminated, not closed with a handshake the simulator would have to wait for.
      expect(await closed).toBe(1006);
    },
  );

  it('stops within a second while a reload runs an endless loop', { timeout: 60_000 }, async () => {
    const appId = '11111111-2222-3333-4444-555555555555';
    const site = join(dir, 'endless-site.json');
    await writeFile(
      site,
      JSON.stringify({ apps: [{ id: appId, name: 'Endless', script: 'FOR i = 1 TO 1e12\nNEXT i\n' }] }),
    );
    const config = join(dir, 'no-start-reload.json');
    await writeFile(config, JSON.stringify({ reloadOnStart: false }));
    const sim = await startSim(['--no-check', '--site', site, '--config', config]);
    const url = /without authentication.*: (ws:\/\/\S+)\/app\/<appId>/.exec(sim.stdout())?.[1];
    const ws = new WebSocket(`${url}/app/${appId}`);
    ws.on('error', () => {});
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, handle: -1, method: 'OpenDoc', params: [appId] }));
    while (!frames.some((f) => f.id === 1)) await new Promise((resolve) => setTimeout(resolve, 10));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, handle: 1, method: 'DoReload', params: [] }));
    // Long enough for the loop to be well under way.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(frames.some((f) => f.id === 2)).toBe(false);
    const sent = performance.now();
    sim.child.kill('SIGTERM');
    const { at } = await sim.exited;
    expect(at - sent).toBeLessThan(STOP_BOUND_MS);
  });
});
