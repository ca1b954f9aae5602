import { Worker } from 'node:worker_threads';
import type { ServerKind, ServerReady } from './server-worker.js';

/** A server running in a worker thread. */
export interface WorkerServer extends ServerReady {
  stop(): Promise<void>;
}

/** Starts a server under test in its own worker thread. */
export async function startServer(spec: ServerKind): Promise<WorkerServer> {
  const worker = new Worker(new URL('./server-worker-entry.mjs', import.meta.url), { workerData: spec });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...ready,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
