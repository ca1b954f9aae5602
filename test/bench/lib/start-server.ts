import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SimulatorStats } from '@qixflow/sense-sim';
import type { ServerKind, ServerReady } from './server-host.js';

/** A server under test, running outside the bench's main thread. */
export interface WorkerServer extends ServerReady {
  /** The simulator's counters (leak checks, engine calls); undefined for the baseline servers. */
  stats(): Promise<SimulatorStats | undefined>;
  stop(): Promise<void>;
  /** Where it runs, for the printed header: `worker thread`, `process on core 1` … */
  readonly where: string;
}

export interface StartOptions {
  /**
   * `worker` (default): a worker thread of the bench process. `process`: a child process of its
   * own, pinned to the last core with `taskset` (and the bench to the others while it runs) unless
   * `BENCH_PIN=0` — its garbage collector and event loop then never compete with the contenders'.
   */
  isolate?: 'worker' | 'process';
}

/** Starts a server under test in its own worker thread or child process. */
export async function startServer(spec: ServerKind, options: StartOptions = {}): Promise<WorkerServer> {
  return options.isolate === 'process' ? startProcess(spec) : startWorker(spec);
}

async function startWorker(spec: ServerKind): Promise<WorkerServer> {
  const worker = new Worker(new URL('./server-worker-entry.mjs', import.meta.url), { workerData: spec });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...ready,
    where: 'worker thread',
    // The worker's simulator is reached over its HTTP control API.
    stats: async () => {
      if (spec.kind !== 'simulator') return undefined;
      const res = await fetch(`${ready.url}/__sim/stats`, {
        headers: { 'x-sim-control-token': ready.controlToken ?? '' },
      });
      return (await res.json()) as SimulatorStats;
    },
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

type ChildMessage =
  | { type: 'ready'; ready: ServerReady }
  | { type: 'failed'; message: string }
  | { type: 'stats'; id: number; stats: SimulatorStats | undefined };

async function startProcess(spec: ServerKind): Promise<WorkerServer> {
  const entry = fileURLToPath(new URL('./server-process.ts', import.meta.url));
  const node = [
    process.execPath,
    ...(process.env.BENCH_SIM_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SIM_PROF}`] : []),
    '--conditions=@qixflow/source',
    '--import',
    'tsx',
    entry,
  ];
  const pin = pinning();
  const child: ChildProcess = pin
    ? spawn('taskset', ['-c', String(pin.serverCore), ...node], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(node[0] as string, node.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (pin) setAffinity(process.pid, pin.clientCores);
  const pending = new Map<number, (stats: SimulatorStats | undefined) => void>();
  let nextId = 0;
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.ready);
      else if (message.type === 'failed') reject(new Error(`the server process failed: ${message.message}`));
      else {
        pending.get(message.id)?.(message.stats);
        pending.delete(message.id);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server process exited (${String(code)}) before it was ready`)));
    child.send({ type: 'start', spec });
  });
  return {
    ...ready,
    where: pin ? `own process on core ${pin.serverCore}, bench on ${pin.clientCores}` : 'own process (not pinned)',
    stats: () =>
      new Promise((resolve) => {
        nextId += 1;
        pending.set(nextId, resolve);
        child.send({ type: 'stats', id: nextId });
      }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
      if (pin) setAffinity(process.pid, pin.allCores);
    },
  };
}

/** Cores for the server and the bench, when `taskset` exists, there are ≥ 2 cores and BENCH_PIN is not 0. */
function pinning(): { serverCore: number; clientCores: string; allCores: string } | undefined {
  const count = cpus().length;
  if (process.env.BENCH_PIN === '0' || count < 2) return undefined;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { serverCore: count - 1, clientCores: count === 2 ? '0' : `0-${count - 2}`, allCores: `0-${count - 1}` };
}

/** Pins every thread of a process (-a: V8's helper threads too). */
function setAffinity(pid: number, cores: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
  } catch {
    // not allowed here: run unpinned
  }
}
