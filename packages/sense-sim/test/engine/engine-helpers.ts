import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { WebSocket } from 'ws';
import type { Simulator } from '../../src/index.js';

/** An enigma.js API object: methods are generated from the schema, so they are untyped here. */
// biome-ignore lint/suspicious/noExplicitAny: enigma.js generates these methods at run time
export type Qix = EnigmaJS.QixObject & Record<string, any>;

/** Opens a plain enigma.js session on the simulator's direct engine listener. */
export async function openEnigma(
  sim: Simulator,
  path = isolated(),
  options: { delta?: boolean; suspendOnClose?: boolean; headers?: Record<string, string> } = {},
): Promise<{ session: EnigmaJS.Session; global: Qix }> {
  const session = enigma.create({
    schema,
    url: `${sim.engineUrl}/app/${path}`,
    createSocket: (url: string) => new WebSocket(url, { headers: options.headers }) as unknown as globalThis.WebSocket,
    protocol: { delta: options.delta ?? true },
    suspendOnClose: options.suspendOnClose ?? false,
  });
  const global = (await session.open()) as Qix;
  return { session, global };
}

/** A raw JSON-RPC client on the direct engine listener, recording every frame. */
export interface RawEngine {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  send(frame: Record<string, unknown>): void;
  /** Sends a request (handle -1 unless given) and resolves with its response frame. */
  call(
    method: string,
    params?: unknown,
    options?: { handle?: number; delta?: boolean; id?: number },
  ): Promise<Record<string, unknown>>;
  /** The next frame matching `predicate` (already received or future). */
  next(predicate: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

let isolation = 0;

/** A path on an isolated engine session: sockets on the same user + app + identity share a session. */
export function isolated(app = 'engineData'): string {
  isolation += 1;
  return `${app}/identity/test-${process.pid}-${isolation}`;
}

export async function openRaw(sim: Simulator, path = isolated(), headers?: Record<string, string>): Promise<RawEngine> {
  const ws = new WebSocket(`${sim.engineUrl}/app/${path}`, { headers });
  const frames: Record<string, unknown>[] = [];
  const consumed = new Set<number>();
  const waiters: {
    predicate: (f: Record<string, unknown>) => boolean;
    resolve: (f: Record<string, unknown>) => void;
  }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(frame);
    const i = waiters.findIndex((w) => w.predicate(frame));
    if (i >= 0) {
      consumed.add(frames.length - 1);
      waiters.splice(i, 1)[0]?.resolve(frame);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const raw: RawEngine = {
    ws,
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    next(predicate) {
      for (let i = 0; i < frames.length; i++) {
        const frame = frames[i];
        if (frame && !consumed.has(i) && predicate(frame)) {
          consumed.add(i);
          return Promise.resolve(frame);
        }
      }
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    call(method, params = [], options = {}) {
      const id = options.id ?? nextId++;
      const frame: Record<string, unknown> = { jsonrpc: '2.0', id, handle: options.handle ?? -1, method, params };
      if (options.delta !== undefined) frame.delta = options.delta;
      ws.send(JSON.stringify(frame));
      return raw.next((f) => f.id === id);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  await raw.next((f) => f.method === 'OnConnected');
  return raw;
}

/** Waits until `check` is true (polling), failing after `ms`. */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
