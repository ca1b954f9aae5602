import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { importPKCS8, type JWTPayload, SignJWT } from 'jose';
import { WebSocket } from 'ws';
import type { Simulator } from '../src/index.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One real HTTP(S) request to the simulator, trusting its certificate. */
export function http(
  sim: Simulator,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<HttpAnswer> {
  const url = new URL(path, sim.url);
  const send = sim.https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ca: sim.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs a JWT for a virtual proxy with the simulator's key (or another). */
export async function proxyJwt(
  sim: Simulator,
  claims: JWTPayload = { userId: 'alice', userDirectory: 'CORP' },
  options: { alg?: string; privateKey?: string; expiresIn?: string | number; notBefore?: string | number } = {},
): Promise<string> {
  const alg = options.alg ?? 'RS256';
  const key = await importPKCS8(options.privateKey ?? sim.keys.privateKey, alg);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt().setJti(randomUUID());
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(key);
}

/** An unsigned token (`alg: none`), as an attacker would send it. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** The `name=value` part of a Set-Cookie header for `name`. */
export function cookieFrom(answer: HttpAnswer, name: string): string | undefined {
  const raw = answer.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const line = list.find((l) => l.startsWith(`${name}=`));
  return line?.split(';')[0];
}

/** JWT handshake on /qps/csrftoken: the cookie (`name=value`) and the CSRF token. */
export async function handshake(
  sim: Simulator,
  claims: JWTPayload = { userId: 'alice', userDirectory: 'CORP' },
  proxyIndex = 0,
): Promise<{ cookie: string; csrf: string; answer: HttpAnswer }> {
  const proxy = sim.proxies[proxyIndex];
  if (!proxy) throw new Error(`no proxy ${proxyIndex}`);
  const answer = await http(sim, 'GET', `${new URL(proxy.url).pathname}/qps/csrftoken`.replace('//', '/'), {
    authorization: `Bearer ${await proxyJwt(sim, claims)}`,
  });
  const cookie = cookieFrom(answer, proxy.cookieName);
  const csrf = answer.headers['qlik-csrf-token'];
  if (answer.status !== 200 || !cookie || typeof csrf !== 'string') {
    throw new Error(`handshake failed: ${answer.status} ${answer.body}`);
  }
  return { cookie, csrf, answer };
}

/** A websocket client that records every frame and how it ended. */
export interface SocketProbe {
  ws: WebSocket;
  /** Parsed frames received so far. */
  frames: Record<string, unknown>[];
  /** Resolves with the next frame matching `predicate` (waiting if needed). */
  next(predicate?: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Sends a JSON-RPC request and resolves with its response. */
  call(
    method: string,
    params?: unknown[] | Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a websocket; resolves once open, or rejects with `status` when the upgrade is refused. */
export function openSocket(
  sim: Simulator,
  url: string,
  options: { headers?: Record<string, string>; origin?: string } = {},
): Promise<SocketProbe> {
  const ws = new WebSocket(url, { ca: sim.ca, headers: options.headers, origin: options.origin });
  const frames: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (f: Record<string, unknown>) => boolean;
    resolve: (f: Record<string, unknown>) => void;
  }[] = [];
  const consumed = new Set<number>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(frame);
    const index = frames.length - 1;
    const waiter = waiters.findIndex((w) => w.predicate(frame));
    if (waiter >= 0) {
      consumed.add(index);
      waiters.splice(waiter, 1)[0]?.resolve(frame);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  let nextId = 1;
  const probe: SocketProbe = {
    ws,
    frames,
    next(predicate = () => true) {
      for (let i = 0; i < frames.length; i++) {
        const frame = frames[i];
        if (frame && !consumed.has(i) && predicate(frame)) {
          consumed.add(i);
          return Promise.resolve(frame);
        }
      }
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    call(method, params = [], extra = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, handle: -1, method, params, ...extra }));
      return probe.next((f) => f.id === id);
    },
    closed,
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(probe));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const error = Object.assign(new Error(`upgrade refused: ${res.statusCode}`), {
          status: res.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        reject(error);
      });
    });
    ws.once('error', reject);
  });
}

/** The engine websocket URL of a proxy, with the CSRF token. */
export function appUrl(sim: Simulator, path = 'engineData', csrf?: string, proxyIndex = 0): string {
  const base = sim.proxies[proxyIndex]?.wsUrl ?? '';
  return `${base}${path}${csrf === undefined ? '' : `?qlik-csrf-token=${encodeURIComponent(csrf)}`}`;
}

/** An Origin header value the default host allow list accepts. */
export function allowedOrigin(sim: Simulator): string {
  return sim.url.replace('127.0.0.1', 'localhost');
}
