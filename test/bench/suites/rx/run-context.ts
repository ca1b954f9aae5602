import type { SimulatorStats } from '@qixflow/sense-sim';
import type { WorkerServer } from '../../lib/start-server.js';
import type { ClientSession, Contender } from './contenders.js';

/** What a scenario run gets: the simulator and a way to open a fresh engine session. */
export interface RunContext {
  readonly sim: WorkerServer;
  open(contender: Contender, app: string): Promise<ClientSession>;
  stats(): Promise<SimulatorStats['engine']>;
}

export function runContext(sim: WorkerServer): RunContext {
  let identities = 0;
  return {
    sim,
    open: (contender, app) => {
      identities += 1;
      return contender.open(sim.engineUrl ?? '', app, `bench-${identities}`);
    },
    stats: async () => {
      const stats = await sim.stats();
      if (!stats) throw new Error('the rx suite needs the simulator’s counters');
      return stats.engine;
    },
  };
}

/** `after[method] - before[method]` of one of the simulator's per-method counters. */
export function delta(before: Record<string, number>, after: Record<string, number>, method: string): number {
  return (after[method] ?? 0) - (before[method] ?? 0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the engine has no running request and nothing was delivered for `quietMs`. */
export async function settle(context: RunContext, deliveries: () => number, quietMs = 100): Promise<void> {
  let seen = deliveries();
  for (let i = 0; i < 200; i++) {
    await sleep(quietMs);
    const now = deliveries();
    if (now === seen && (await context.stats()).runningRequests === 0) return;
    seen = now;
  }
}

/** Races a promise against a deadline, so a contender that never gets there fails the run clearly. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
