/**
 * Hosts the server under test in a worker thread, so the load generator (main thread) and the
 * server each get a core — as they would on two machines.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hostServer, type ServerKind } from './server-host.js';

const port = parentPort;
if (!port) throw new Error('run as a worker');

const server = await hostServer(workerData as ServerKind);
port.postMessage(server.ready);
port.once('message', () => void server.stop().then(() => port.close()));
