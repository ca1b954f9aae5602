/**
 * Small misbehaving servers for the hostile-input tests: a plain HTTP server whose routes the test
 * writes, and a fake engine (just enough JSON-RPC for enigma.js to open a Doc) that can be told to
 * break the protocol. Everything listens on 127.0.0.1, port 0.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { leakGuard } from '../support/leak-guard.js';

/** A JWT signing key the hostile proxies never check (they fail before they would). */
export const anyPrivateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
leakGuard.secret(anyPrivateKey);

export interface HttpFixture {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** An HTTP server answering every request with `handler`. */
export async function startHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<HttpFixture> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `total` bytes (or forever when undefined) as fast as the client reads them, and stops
 * when the client goes away. Returns how many bytes were written, once it stopped.
 */
export function stream(res: ServerResponse, total: number | undefined, chunkSize = 1024 * 1024): Promise<number> {
  const chunk = Buffer.alloc(chunkSize, 'x');
  let written = 0;
  return new Promise((resolve) => {
    const stop = (): void => resolve(written);
    res.on('close', stop);
    res.on('error', stop);
    const pump = (): void => {
      while (!res.destroyed && (total === undefined || written < total)) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
}

/** How one engine socket behaves. */
export type EngineBehaviour =
  /** OnConnected, then answers every request. */
  | 'normal'
  /** Accepts the upgrade and never sends a frame. */
  | 'silent'
  /** Sends this text as its very first frame. */
  | { firstFrame: string }
  /** OnConnected, then this text instead of the answer to the first request. */
  | { insteadOfAnswer: string };

export interface FakeEngine {
  /** `ws://127.0.0.1:port` (also `http://…` for createSite). */
  host: string;
  /** Sockets accepted so far. */
  readonly connections: number;
  /** Sends a raw text frame on every open socket. */
  broadcast(text: string): void;
  close(): Promise<void>;
}

/**
 * A fake engine: `behaviour(n)` decides how the n-th socket (0-based) behaves. Requests listed in
 * `unanswered` never get an answer (to have a call in flight when something breaks).
 */
export async function startFakeEngine(
  behaviour: (index: number) => EngineBehaviour,
  options: { unanswered?: readonly string[] } = {},
): Promise<FakeEngine> {
  const http = await startHttp((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server: http.server });
  const sockets = new Set<WebSocket>();
  let connections = 0;
  wss.on('connection', (socket) => {
    const mode = behaviour(connections++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (mode === 'silent') return;
    if (typeof mode === 'object' && 'firstFrame' in mode) {
      socket.send(mode.firstFrame);
      return;
    }
    socket.send(
      JSON.stringify({ jsonrpc: '2.0', method: 'OnConnected', params: { qSessionState: 'SESSION_CREATED' } }),
    );
    let answered = 0;
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as { id: number; method: string; params: unknown[] };
      if (typeof mode === 'object' && answered++ === 0) {
        socket.send(mode.insteadOfAnswer);
        return;
      }
      if (options.unanswered?.includes(request.method)) return;
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: answer(request) }));
    });
  });
  return {
    host: http.url,
    get connections() {
      return connections;
    },
    broadcast(text) {
      for (const socket of sockets) socket.send(text);
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      await http.close();
    },
  };
}

function answer(request: { method: string; params: unknown[] }): unknown {
  switch (request.method) {
    case 'OpenDoc':
    case 'GetActiveDoc':
      return { qReturn: { qType: 'Doc', qHandle: 1, qGenericId: String(request.params[0] ?? 'app') } };
    case 'GetAppLayout':
      return { qLayout: { qTitle: 'Hostile' } };
    case 'EngineVersion':
      return { qVersion: { qComponentVersion: '12.0.0' } };
    default:
      return {};
  }
}

/**
 * The hooks of a hostile-server test file: no uncaught exception or unhandled rejection may
 * happen during a test, and whatever the test opened (`open()`, in closing order) is closed after
 * it and forgotten (`forget()`).
 */
export function guardHostileTests(
  open: () => readonly ({ close(): Promise<unknown> } | undefined)[],
  forget: () => void,
): void {
  let uncaught: ReturnType<typeof watchUncaught> | undefined;
  beforeEach(() => {
    uncaught = watchUncaught();
  });
  afterEach(async () => {
    for (const item of open()) await item?.close();
    forget();
    uncaught?.stop();
    expect(uncaught?.errors).toEqual([]);
  });
}

/**
 * Records uncaught exceptions and unhandled rejections while a test runs: the point of the
 * hostile suite is that a broken server never produces one.
 */
export function watchUncaught(): { readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const record = (error: unknown): void => {
    errors.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    errors,
    stop() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

/** Resolves with the first emission of `event`. */
export function once<T>(
  emitter: { once(event: string, listener: (value: T) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}
