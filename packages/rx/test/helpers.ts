import { createSimulator, type Simulator } from '@qixflow/sense-sim';
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { filter, firstValueFrom, type Observable, take, timeout, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { WebSocket } from 'ws';

/** An enigma.js API object: methods are generated from the schema at run time. */
// biome-ignore lint/suspicious/noExplicitAny: enigma.js generates these methods at run time
export type Qix = EnigmaJS.QixObject & Record<string, any>;

export const SALES = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';
export const FINANCE = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12';
export const SHEET_OVERVIEW = '930e1732-77ac-4256-8807-5ccaaefc5ad3';
export const SHEET_CUSTOMERS = '829d9b84-2e40-448c-81f1-e0f27ba49f4b';
/** A KPI (hypercube) on the overview sheet. */
export const KPI = 'lbKIqj';

/** A simulator of the demo site (plain HTTP; the direct engine listener is what these tests use). */
export function startSimulator(): Promise<Simulator> {
  return createSimulator({ site: 'demo', https: false });
}

/**
 * Registers a test file's hooks: one demo simulator for the file (handed to `started`), its state
 * reset after each test, closed at the end.
 */
export function useSimulator(started: (sim: Simulator) => void): void {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator();
    started(sim);
  });
  afterEach(() => {
    sim?.control.reset();
  });
  afterAll(async () => {
    await sim?.close();
  });
}

/** A JSON-RPC frame as enigma.js reports it in `traffic:*` events. */
interface Frame {
  id?: number;
  handle?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; parameter: string };
  change?: number[];
  close?: number[];
}

/** Every frame a session sent and received. */
interface Traffic {
  sent: Frame[];
  received: Frame[];
  /** Both directions in order. */
  log: { dir: 'sent' | 'received'; frame: Frame }[];
  /** Requests sent of one method (since the last `clear`). */
  count(method: string): number;
  requests(method: string): Frame[];
  clear(): void;
}

export interface OpenedApp {
  session: EnigmaJS.Session;
  global: Qix;
  doc: Qix;
  traffic: Traffic;
  close(): Promise<void>;
}

let identities = 0;

/**
 * Opens an app on the simulator's direct engine listener with plain enigma.js. Each call gets its
 * own engine session (a fresh `/identity`) unless `identity` is given.
 */
export async function openApp(
  sim: Simulator,
  options: { app?: string; identity?: string; ttl?: number; suspendOnClose?: boolean } = {},
): Promise<OpenedApp> {
  const app = options.app ?? SALES;
  identities += 1;
  const identity = options.identity ?? `rx-${process.pid}-${identities}`;
  const url = `${sim.engineUrl}/app/${app}/identity/${identity}${options.ttl ? `/ttl/${options.ttl}` : ''}`;
  const session = enigma.create({
    schema,
    url,
    createSocket: (u: string) => new WebSocket(u) as unknown as globalThis.WebSocket,
    suspendOnClose: options.suspendOnClose ?? false,
  });
  const traffic = recordTraffic(session);
  const global = (await session.open()) as Qix;
  let doc: Qix;
  try {
    doc = (await global.openDoc(app)) as Qix;
  } catch (error) {
    if ((error as { code?: number }).code !== 1002) throw error;
    doc = (await global.getActiveDoc()) as Qix;
  }
  traffic.clear();
  return { session, global, doc, traffic, close: () => session.close().catch(() => undefined) };
}

function recordTraffic(session: EnigmaJS.Session): Traffic {
  const sent: Frame[] = [];
  const received: Frame[] = [];
  const log: Traffic['log'] = [];
  session.on('traffic:sent', (frame: Frame) => {
    sent.push(frame);
    log.push({ dir: 'sent', frame });
  });
  session.on('traffic:received', (frame: Frame) => {
    received.push(frame);
    log.push({ dir: 'received', frame });
  });
  return {
    sent,
    received,
    log,
    count: (method) => sent.filter((f) => f.method === method).length,
    requests: (method) => sent.filter((f) => f.method === method),
    clear: () => {
      sent.length = 0;
      received.length = 0;
      log.length = 0;
    },
  };
}

/** The first `count` values of a stream (fails after `ms`). */
export function take$<T>(source: Observable<T>, count = 1, ms = 5000): Promise<T[]> {
  return firstValueFrom(source.pipe(take(count), toArray(), timeout(ms)));
}

/** The first value that satisfies `predicate` (fails after `ms`). */
export function first$<T>(source: Observable<T>, predicate: (value: T) => boolean = () => true, ms = 5000): Promise<T> {
  return firstValueFrom(source.pipe(filter(predicate), take(1), timeout(ms)));
}

/** Polls until `check` holds (fails after `ms`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets pending promise callbacks and socket events run. */
export async function settle(ms = 30): Promise<void> {
  await sleep(ms);
}

/** Listener count of an enigma.js emitter (node-event-emitter style `listeners()`). */
export function listenerCount(emitter: unknown, event: string): number {
  const e = emitter as { listeners?: (event: string) => unknown[]; _events?: Record<string, unknown> };
  if (typeof e.listeners === 'function') return e.listeners(event).length;
  const handler = e._events?.[event];
  if (handler === undefined) return 0;
  return Array.isArray(handler) ? handler.length : 1;
}

/**
 * A session app with a load script, reloaded: what the data-dependent tests run on (they need the
 * simulator's data engine: script executor + associative model).
 */
export async function openSessionApp(sim: Simulator, script: string): Promise<OpenedApp> {
  identities += 1;
  const session = enigma.create({
    schema,
    url: `${sim.engineUrl}/app/engineData/identity/rx-data-${process.pid}-${identities}`,
    createSocket: (u: string) => new WebSocket(u) as unknown as globalThis.WebSocket,
  });
  const traffic = recordTraffic(session);
  const global = (await session.open()) as Qix;
  const doc = (await global.createSessionApp()) as Qix;
  await doc.setScript(script);
  const reloaded = await doc.doReload();
  if (reloaded !== true) throw new Error('the session app did not reload');
  traffic.clear();
  return { session, global, doc, traffic, close: () => session.close().catch(() => undefined) };
}

/** A small sales table (5 rows) for selection tests. */
export const SALES_SCRIPT = `Sales:
LOAD * INLINE [
Region, Product, Year, Amount
Nordics, Bikes, 2025, 100
Nordics, Helmets, 2026, 40
DACH, Bikes, 2026, 250
DACH, Gloves, 2025, 30
Americas, Helmets, 2026, 80
];
`;

/** The sales table plus a 25 000-row table (2 columns: 50 000 cells) for paging tests. */
export function bigScript(rows = 25_000): string {
  const lines: string[] = [];
  for (let i = 1; i <= rows; i++) lines.push(`${i}, B${i % 7}`);
  return `${SALES_SCRIPT}\nBig:\nLOAD * INLINE [\nN, Bucket\n${lines.join('\n')}\n];\n`;
}
