import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Doc, GenericObject, Global, HyperCube, InteractDef, NxAppLayout } from '../../src/index.js';

type Result = Record<string, unknown>;

/** Canned engine answers by method: just enough to watch enigma.js unwrap each kind of result. */
const ANSWERS: Readonly<Record<string, (params: unknown[]) => Result>> = {
  OpenDoc: () => ({ qReturn: { qType: 'Doc', qHandle: 1, qGenericId: 'Sales.qvf', qGenericType: 'Doc' } }),
  GetAppLayout: () => ({ qLayout: { qTitle: 'Sales', qFileName: 'Sales.qvf' } }),
  CreateSessionObject: () => ({ qReturn: { qType: 'GenericObject', qHandle: 2, qGenericId: 'kpi-1', qGenericType: 'kpi' } }),
  CreateObject: () => ({
    qInfo: { qId: 'kpi-2', qType: 'kpi' },
    qReturn: { qType: 'GenericObject', qHandle: 3, qGenericId: 'kpi-2', qGenericType: 'kpi' },
  }),
  GetObject: () => ({ qReturn: { qType: null, qHandle: null } }),
  GetLayout: () => ({
    qLayout: { qInfo: { qId: 'kpi-1', qType: 'kpi' }, qSelectionInfo: {}, qHyperCube: { qSize: { qcx: 1, qcy: 1 } } },
  }),
  GetTablesAndKeys: () => ({ qtr: [], qk: [] }),
  GetInteract: () => ({ qDef: { qType: 'IT_END', qButtons: 0 }, qReturn: true }),
  ClearAll: () => ({}),
  GetMediaList: () => ({ qList: { qItems: [] }, qReturn: true }),
};

/** A websocket that answers like the engine, with JSON-Patch results when enigma.js asks for delta. */
class FakeEngineSocket {
  readonly OPEN = 1;
  readyState = 1;
  onopen?: () => void;
  onclose?: (event: { code: number; reason: string }) => void;
  onmessage?: (event: { data: string }) => void;
  readonly requests: { method: string; delta?: boolean }[] = [];

  constructor() {
    setTimeout(() => this.onopen?.(), 0);
  }

  send(text: string): void {
    const request = JSON.parse(text) as { id: number; method: string; params: unknown[]; delta?: boolean };
    this.requests.push({ method: request.method, ...(request.delta ? { delta: true } : {}) });
    const answer = ANSWERS[request.method];
    if (!answer) throw new Error(`no canned answer for ${request.method}`);
    const result = answer(request.params);
    const response = request.delta
      ? {
          id: request.id,
          delta: true,
          result: Object.fromEntries(
            Object.entries(result).map(([key, value]) => [key, [{ op: 'add', path: '/', value }]]),
          ),
        }
      : { id: request.id, result };
    setTimeout(() => this.onmessage?.({ data: JSON.stringify({ jsonrpc: '2.0', ...response }) }), 0);
  }

  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code, reason }), 0);
  }
}

type EnigmaConfig = Parameters<typeof enigma.create>[0];

const sessions: { close(): Promise<void> }[] = [];

async function openGlobal(): Promise<{ global: Global; socket: FakeEngineSocket }> {
  const socket = new FakeEngineSocket();
  const session = enigma.create({
    schema,
    url: 'ws://engine.test/app/engineData',
    createSocket: (() => socket) as unknown as NonNullable<EnigmaConfig['createSocket']>,
  });
  sessions.push(session);
  // The README's cast: enigma.js's own typings know nothing of the classes.
  const global = (await session.open()) as Global;
  return { global, socket };
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

describe('results as enigma.js resolves them (its own interceptors, a fake engine socket)', () => {
  it('resolves an object handle to an API object of that class', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    expectTypeOf(doc).toEqualTypeOf<Doc>();
    expect(doc).toMatchObject({ id: 'Sales.qvf', type: 'Doc', handle: 1 });
    expect(doc.getAppLayout).toBeTypeOf('function');
  });

  it('resolves a single out-parameter to its value, on a promise carrying the request id', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    const pending = doc.getAppLayout();
    expect(pending.requestId).toBeTypeOf('number');
    expect(pending.then((l) => l.qTitle).requestId).toBe(pending.requestId);
    const layout = await pending;
    expectTypeOf(layout).toEqualTypeOf<NxAppLayout>();
    expect(layout).toEqual({ qTitle: 'Sales', qFileName: 'Sales.qvf' });
  });

  it('resolves qReturn and drops the other out-parameters (CreateObject, GetMediaList)', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    const object = await doc.createObject({ qInfo: { qType: 'kpi' } });
    expectTypeOf(object).toEqualTypeOf<GenericObject<{ qInfo: { qType: string } }>>();
    expect(object).toMatchObject({ id: 'kpi-2', type: 'GenericObject', genericType: 'kpi', handle: 3 });
    expect(await doc.getMediaList()).toBe(true);
  });

  it('resolves several out-parameters without qReturn to the result object', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    const tables = await doc.getTablesAndKeys({ qcx: 0, qcy: 0 }, { qcx: 0, qcy: 0 }, 0, false, false);
    expect(tables).toEqual({ qtr: [], qk: [] });
  });

  it('asks for delta on every request (its protocol defaults), patching every out-parameter', async () => {
    const { global, socket } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    await doc.getAppLayout();
    await doc.getTablesAndKeys({ qcx: 0, qcy: 0 }, { qcx: 0, qcy: 0 }, 0, false, false);
    expect(socket.requests).toEqual([
      { method: 'OpenDoc', delta: true },
      { method: 'GetAppLayout', delta: true },
      { method: 'GetTablesAndKeys', delta: true },
    ]);
  });

  it('resolves a method without out-parameters to an empty object (typed void)', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    const cleared: unknown = await doc.clearAll();
    expect(cleared).toEqual({});
  });

  it('drops qReturn of GetInteract and resolves to qDef', async () => {
    const { global } = await openGlobal();
    const interact = await global.getInteract(1);
    expectTypeOf(interact).toEqualTypeOf<InteractDef>();
    expect(interact).toEqual({ qType: 'IT_END', qButtons: 0 });
  });

  it('computes the layout type from the properties the object was created with', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    const kpi = await doc.createSessionObject({ qInfo: { qType: 'kpi' }, qHyperCubeDef: { qMeasures: [] } });
    const layout = await kpi.getLayout();
    expectTypeOf(layout.qHyperCube).toEqualTypeOf<HyperCube>();
    expect(layout.qHyperCube.qSize).toEqual({ qcx: 1, qcy: 1 });
  });

  it('rejects instead of resolving when the engine answers an unknown object with null handles', async () => {
    const { global } = await openGlobal();
    const doc = await global.openDoc('Sales.qvf');
    await expect(doc.getObject('missing')).rejects.toMatchObject({ code: -2, enigmaError: true });
  });
});
