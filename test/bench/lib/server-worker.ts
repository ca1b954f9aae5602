/**
 * Hosts the server under test in a worker thread, so the load generator (main thread) and the
 * server each get a core — as they would on two machines.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createSimulator, type SimulatorOptions } from '@qixflow/sense-sim';
import { WebSocketServer } from 'ws';

export type ServerKind =
  | { kind: 'simulator'; options: SimulatorOptions }
  | { kind: 'bare-https'; cert: string; key: string }
  | { kind: 'ws-echo'; answers: Record<string, unknown> };

export interface ServerReady {
  url: string;
  ca: string | undefined;
  privateKey?: string;
  cookieName?: string;
  /** Direct engine listener of a simulator (`ws://…`). */
  engineUrl?: string;
  /** The simulator's control API token (for GET /__sim/stats). */
  controlToken?: string;
}

const spec = workerData as ServerKind;
const port = parentPort;
if (!port) throw new Error('run as a worker');

if (spec.kind === 'simulator') {
  const sim = await createSimulator(spec.options);
  port.postMessage({
    url: sim.url,
    ca: sim.ca,
    privateKey: sim.keys.privateKey,
    cookieName: sim.proxies[0]?.cookieName,
    ...(sim.engineUrl ? { engineUrl: sim.engineUrl } : {}),
    controlToken: sim.controlToken,
  } satisfies ServerReady);
  port.once('message', () => void sim.close().then(() => port.close()));
} else if (spec.kind === 'ws-echo') {
  // A bare ws server doing the same JSON-RPC round trip: parse the request, answer a canned result
  // of the same size the engine sends. The baseline for the engine's own cost per request.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const answers = spec.answers;
  server.on('connection', (ws) => {
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'OnConnected', params: { qSessionState: 'SESSION_CREATED' } }));
    ws.on('message', (data) => {
      const request = JSON.parse(String(data)) as { id: number; method: string };
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: answers[request.method] ?? {} }));
    });
  });
  port.postMessage({
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: undefined,
  } satisfies ServerReady);
  port.once('message', () => {
    for (const client of server.clients) client.terminate();
    server.close(() => port.close());
  });
} else {
  // The same answers the proxy gives, with no authentication work at all.
  const userBody = JSON.stringify({
    userId: 'bench',
    userDirectory: 'BENCH',
    userName: 'bench',
    logoutUri: '/jwt/qps/user',
    attributes: {},
  });
  const server = createServer({ cert: spec.cert, key: spec.key }, (req, res) => {
    if (req.url === '/jwt/qps/csrftoken') {
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'qlik-csrf-token': 'x'.repeat(32),
        'set-cookie': 'X-Qlik-Session-jwt=00000000-0000-0000-0000-000000000000; Path=/; HttpOnly; Secure',
        'content-length': 3,
      });
      res.end('OK\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(userBody),
    });
    res.end(userBody);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port.postMessage({
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: spec.cert,
  } satisfies ServerReady);
  port.once('message', () => {
    server.closeAllConnections();
    server.close(() => port.close());
  });
}
