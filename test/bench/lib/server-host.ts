/**
 * Hosts one server under test — the simulator, a bare HTTPS server or a bare ws JSON-RPC echo —
 * wherever it runs: a worker thread (`server-worker.ts`) or a child process (`server-process.ts`).
 * One place for what each kind answers, so both hosts serve the same thing.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSimulator, type SimulatorOptions, type SimulatorStats } from '@qixflow/sense-sim';
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

/** A running server: what clients need, its counters (simulator only), and how to stop it. */
export interface HostedServer {
  ready: ServerReady;
  stats(): SimulatorStats | undefined;
  stop(): Promise<void>;
}

export async function hostServer(spec: ServerKind): Promise<HostedServer> {
  if (spec.kind === 'simulator') {
    const sim = await createSimulator(spec.options);
    return {
      ready: {
        url: sim.url,
        ca: sim.ca,
        privateKey: sim.keys.privateKey,
        ...(sim.proxies[0] ? { cookieName: sim.proxies[0].cookieName } : {}),
        ...(sim.engineUrl ? { engineUrl: sim.engineUrl } : {}),
        controlToken: sim.controlToken,
      },
      stats: () => sim.stats(),
      stop: () => sim.close(),
    };
  }
  if (spec.kind === 'ws-echo') {
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
    return {
      ready: { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: undefined },
      stats: () => undefined,
      stop: () =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    };
  }
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
  return {
    ready: { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: spec.cert },
    stats: () => undefined,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
