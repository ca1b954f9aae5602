import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openRaw, type RawEngine } from './engine-helpers.js';

describe('QIX JSON-RPC protocol (raw frames on the direct engine listener)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
  });
  afterAll(() => sim.close());

  it('sends OnConnected before anything else', async () => {
    const raw = await openRaw(sim);
    expect(raw.frames[0]).toEqual({
      jsonrpc: '2.0',
      method: 'OnConnected',
      params: { qSessionState: 'SESSION_CREATED' },
    });
    await raw.close();
  });

  it('keys results by out-parameter names: one, several, or {} for none', async () => {
    const raw = await openRaw(sim);
    expect(await raw.call('EngineVersion')).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { qVersion: { qComponentVersion: '12.2027.0' } },
    });
    expect(await raw.call('AbortAll')).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
    expect(await raw.call('IsDesktopMode')).toEqual({ jsonrpc: '2.0', id: 3, result: { qReturn: false } });
    const unique = (await raw.call('GetUniqueID')).result as { qUniqueID: string };
    expect(unique.qUniqueID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const app = await raw.call('CreateSessionApp');
    expect(app.result).toEqual({
      qSessionAppId: expect.stringMatching(/^SessionApp_[0-9a-f]+$/),
      qReturn: { qType: 'Doc', qHandle: 1, qGenericId: expect.stringMatching(/^SessionApp_/) },
    });
    expect(app.change).toEqual([1]);
    const created = await raw.call('CreateObject', [{ qInfo: { qType: 'chart' } }], { handle: 1 });
    expect(created.result).toEqual({
      qInfo: { qId: expect.any(String), qType: 'chart' },
      qReturn: { qType: 'GenericObject', qHandle: 2, qGenericType: 'chart', qGenericId: expect.any(String) },
    });
    expect(created.change).toEqual([2]);
    await raw.close();
  });

  it('accepts named parameters and fills omitted optional ones with schema defaults', async () => {
    const raw = await openRaw(sim);
    const named = await raw.call('OpenDoc', { qDocName: 'Sales Dashboard', qNoData: true });
    expect(named.result).toMatchObject({ qReturn: { qType: 'Doc', qHandle: 1 } });
    const layout = await raw.call('GetAppLayout', [], { handle: 1 });
    expect(layout.result).toMatchObject({ qLayout: { qTitle: 'Sales Dashboard', qIsOpenedWithoutData: true } });
    await raw.close();
  });

  it('accepts enum parameters as number, short title and long name', async () => {
    const raw = await openRaw(sim);
    for (const value of [0, 'S', 'SCRIPT_TEXT_SCRIPT']) {
      const answer = await raw.call('GetBNF', [value]);
      expect(answer.error).toBeUndefined();
      expect((answer.result as { qBnfDefs: unknown[] }).qBnfDefs.length).toBeGreaterThan(0);
    }
    const bad = await raw.call('GetBNF', ['NOT_AN_ENUM']);
    expect(bad.error).toEqual({ code: -32602, parameter: 'qBnfType', message: 'Invalid method parameter(s)' });
    await raw.close();
  });

  it('answers protocol errors without dropping the socket', async () => {
    const raw = await openRaw(sim);
    expect((await raw.call('NoSuchMethod')).error).toEqual({
      code: -32601,
      parameter: 'NoSuchMethod',
      message: 'Method not found',
    });
    expect((await raw.call('ConfigureReload', ['dummy', true, true])).error).toMatchObject({
      code: -32602,
      message: 'Invalid method parameter(s)',
    });
    expect((await raw.call('GetLayout', [], { handle: 99 })).error).toEqual({
      code: -32602,
      parameter: 'Invalid handle',
      message: 'Invalid method parameter(s)',
    });
    raw.ws.send('{"jsonrpc": "2.0", "id": 7, ');
    expect((await raw.next((f) => f.id === null)).error).toEqual({
      code: -32700,
      parameter: '',
      message: 'Parse error',
    });
    raw.ws.send('[1,2,3]');
    expect((await raw.next((f) => f.id === null && (f.error as { code: number }).code === -32600)).error).toMatchObject(
      {
        message: 'Invalid Request',
      },
    );
    expect((await raw.call('GetActiveDoc')).error).toEqual({
      code: 1007,
      parameter: 'No active document',
      message: 'App invalid',
    });
    expect((await raw.call('OpenDoc', ['no-such-app'])).error).toEqual({
      code: 1003,
      parameter: 'no-such-app',
      message: 'App not found',
    });
    // still alive
    expect((await raw.call('EngineVersion')).result).toHaveProperty('qVersion');
    await raw.close();
  });

  it('answers a schema method the simulator lacks with LOCERR_GENERIC_NOT_IMPLEMENTED, not a hang', async () => {
    const raw = await openRaw(sim);
    expect((await raw.call('GetLogicalDriveStrings')).error).toMatchObject({ code: 20, message: 'Not implemented' });
    await raw.close();
  });

  it('delta: first answer is an add at /, then JSON-Patch against the last value, [] when unchanged; no delta key when not asked', async () => {
    const raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    const created = await raw.call('CreateSessionObject', [{ qInfo: { qType: 'x' }, title: 'one', list: [1, 2] }], {
      handle: 1,
    });
    const handle = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    const first = await raw.call('GetProperties', [], { handle, delta: true });
    expect(first.delta).toBe(true);
    expect(first.result).toEqual({
      qProp: [{ op: 'add', path: '/', value: expect.objectContaining({ title: 'one', list: [1, 2] }) }],
    });
    expect((await raw.call('GetProperties', [], { handle, delta: true })).result).toEqual({ qProp: [] });
    await raw.call('ApplyPatches', [[{ qOp: 'replace', qPath: '/title', qValue: '"two"' }]], { handle });
    const patched = await raw.call('GetProperties', [], { handle, delta: true });
    expect(patched.result).toEqual({ qProp: [{ op: 'replace', path: '/title', value: 'two' }] });
    const plain = await raw.call('GetProperties', [], { handle });
    expect(plain).not.toHaveProperty('delta');
    expect((plain.result as { qProp: { title: string } }).qProp.title).toBe('two');
    // the delta cache is per method: GetLayout starts from its own add
    const layout = await raw.call('GetLayout', [], { handle, delta: true });
    expect((layout.result as { qLayout: { op: string; path: string }[] }).qLayout[0]).toMatchObject({
      op: 'add',
      path: '/',
    });
    await raw.close();
  });

  it('answers concurrent requests in any order, matched by id', async () => {
    const raw = await openRaw(sim);
    sim.control.delayResponses({ method: 'GetDocList', ms: 150, count: 1 });
    const slow = raw.call('GetDocList', [], { id: 100 });
    const fast = raw.call('EngineVersion', [], { id: 101 });
    await Promise.all([slow, fast]);
    const order = raw.frames.filter((f) => f.id === 100 || f.id === 101).map((f) => f.id);
    expect(order).toEqual([101, 100]);
    await raw.close();
  });

  it('lists a handle in change when a selection lands right behind its GetLayout (same read, same tick)', async () => {
    const raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    await raw.call('SetScript', ['T: LOAD RecNo() as Id, Mod(RecNo(), 5) as F AUTOGENERATE 100;'], { handle: 1 });
    await raw.call('DoReload', [], { handle: 1 });
    const cube = {
      qInfo: { qType: 'kpi' },
      qHyperCubeDef: {
        qMeasures: [{ qDef: { qDef: 'Sum(Id)' } }],
        qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 1, qHeight: 1 }],
      },
    };
    const created = await raw.call('CreateSessionObject', [cube], { handle: 1 });
    const kpi = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    const field = await raw.call('GetField', ['F'], { handle: 1 });
    const fieldHandle = (field.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    await raw.call('GetLayout', [], { handle: kpi });
    await raw.call('SelectValues', [[{ qNumber: 1, qIsNumeric: true }]], { handle: fieldHandle });
    // Both frames written in one tick reach the engine in one read: the layout is computed first,
    // then the selection makes it stale, and the engine must say so.
    raw.send({ jsonrpc: '2.0', id: 900, handle: kpi, method: 'GetLayout', params: [] });
    raw.send({
      jsonrpc: '2.0',
      id: 901,
      handle: fieldHandle,
      method: 'SelectValues',
      params: [[{ qNumber: 2, qIsNumeric: true }]],
    });
    const layout = await raw.next((f) => f.id === 900);
    const selected = await raw.next((f) => f.id === 901);
    const total = (layout.result as { qLayout: { qHyperCube: { qGrandTotalRow: { qNum: number }[] } } }).qLayout
      .qHyperCube.qGrandTotalRow[0]?.qNum;
    expect(total).toBe(970); // Ids 1, 6, …, 96: the state before the second selection
    // Listed with the layout's own answer or the selection's: either way before the client can rest.
    expect([
      ...((layout.change as number[] | undefined) ?? []),
      ...((selected.change as number[] | undefined) ?? []),
    ]).toContain(kpi);
    await raw.close();
  });

  it('CancelRequest aborts a running request with LOCERR_GENERIC_ABORTED; GetProgress reports it', async () => {
    const raw = await openRaw(sim);
    sim.control.delayResponses({ method: 'GetDocList', ms: 10_000, count: 1 });
    const running = raw.call('GetDocList', [], { id: 500 });
    const progressWhileRunning = await raw.call('GetProgress', [500]);
    expect(progressWhileRunning.result).toMatchObject({ qProgressData: { qStarted: true, qFinished: false } });
    const started = Date.now();
    expect(await raw.call('CancelRequest', [500])).toMatchObject({ result: {} });
    expect(await running).toEqual({
      jsonrpc: '2.0',
      id: 500,
      error: { code: 15, parameter: '', message: 'Request aborted' },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const progress = await raw.call('GetProgress', [500]);
    expect(progress.result).toMatchObject({ qProgressData: { qStarted: true, qFinished: true } });
    await raw.close();
  });

  it('the control API aborts running requests of a method', async () => {
    const raw = await openRaw(sim);
    sim.control.delayResponses({ method: 'GetDocList', ms: 10_000, count: 1 });
    const running = raw.call('GetDocList');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sim.control.abortRequests({ method: 'GetDocList' })).toBe(1);
    expect((await running).error).toEqual({ code: 15, parameter: '', message: 'Request aborted' });
    await raw.close();
  });

  it('the control API makes the next calls of a method fail with a chosen engine error', async () => {
    const raw = await openRaw(sim);
    sim.control.failNext('EngineVersion', { count: 2, code: 15, message: 'Request aborted' });
    expect((await raw.call('EngineVersion')).error).toEqual({ code: 15, parameter: '', message: 'Request aborted' });
    expect((await raw.call('EngineVersion')).error).toEqual({ code: 15, parameter: '', message: 'Request aborted' });
    expect((await raw.call('EngineVersion')).result).toHaveProperty('qVersion');
    await raw.close();
  });
});

const handleOf = (frame: Record<string, unknown>) => (frame.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
const cube = (n: number) => ({
  qInfo: { qType: 'chart' },
  qHyperCubeDef: {
    qDimensions: [{ qDef: { qFieldDefs: ['G'] } }],
    qMeasures: [{ qDef: { qDef: `Sum(Id)*${n}` } }],
    qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 10 }],
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session app with enough rows that a layout takes the engine several ms. */
async function heavyApp(sim: Simulator, rows = 100_000): Promise<{ raw: RawEngine; charts: number[]; field: number }> {
  const raw = await openRaw(sim);
  await raw.call('CreateSessionApp');
  const script = `T: LOAD RecNo() as Id, Mod(RecNo(), 5) as F, Mod(RecNo(), 997) as G AUTOGENERATE ${rows};`;
  await raw.call('SetScript', [script], { handle: 1 });
  await raw.call('DoReload', [], { handle: 1 });
  const charts = [
    handleOf(await raw.call('CreateSessionObject', [cube(1)], { handle: 1 })),
    handleOf(await raw.call('CreateSessionObject', [cube(2)], { handle: 1 })),
  ];
  for (const chart of charts) await raw.call('GetLayout', [], { handle: chart });
  return { raw, charts, field: handleOf(await raw.call('GetField', ['F'], { handle: 1 })) };
}

/** The grand total of a one-measure cube's layout answer. */
function grandTotal(frame: Record<string, unknown>): number {
  const layout = (frame.result as { qLayout: { qHyperCube: { qGrandTotalRow: { qNum: number }[] } } }).qLayout;
  return layout.qHyperCube.qGrandTotalRow[0]?.qNum ?? Number.NaN;
}

describe("the 'queued' calculation model", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo', calculations: 'queued' });
  });
  afterAll(() => sim.close());

  it('never computes a calculation cancelled while it waits for the slot', async () => {
    const { raw, charts } = await heavyApp(sim);
    const before = sim.stats().engine;
    sim.control.delayResponses({ method: 'GetLayout', ms: 400, count: 1 }); // holds the slot
    const first = raw.call('GetLayout', [], { handle: charts[0] as number, id: 700 });
    const waiting = raw.call('GetLayout', [], { handle: charts[1] as number, id: 701 });
    await raw.call('CancelRequest', [701]);
    expect((await waiting).error).toMatchObject({ code: 15 });
    expect(raw.frames.some((f) => f.id === 700)).toBe(false);
    expect((await first).result).toBeDefined();
    const after = sim.stats().engine;
    expect((after.aborted.GetLayout ?? 0) - (before.aborted.GetLayout ?? 0)).toBe(1);
    expect((after.completed.GetLayout ?? 0) - (before.completed.GetLayout ?? 0)).toBe(1);
    await raw.close();
  });

  it('answers a selection during a calculation, lists its handle, and ends the turn on CancelRequest', async () => {
    // Enough rows that the turn (the calculation, then as long again) outlasts a busy machine's
    // timer jitter: the selection must land inside it.
    const { raw, charts, field } = await heavyApp(sim, 600_000);
    const chart = charts[0] as number;
    const before = sim.stats().engine;
    const layout = raw.call('GetLayout', [], { handle: chart, id: 800 });
    // A timer fires only once the calculation that started meanwhile has been computed: the
    // selection lands in the rest of its turn.
    await sleep(5);
    const selected = await raw.call('SelectValues', [[{ qNumber: 1, qIsNumeric: true }]], { handle: field });
    expect(raw.frames.some((f) => f.id === 800)).toBe(false);
    expect(selected.change).toContain(chart);
    await raw.call('CancelRequest', [800]);
    expect((await layout).error).toMatchObject({ code: 15 });
    const after = sim.stats().engine;
    expect((after.aborted.GetLayout ?? 0) - (before.aborted.GetLayout ?? 0)).toBe(1);
    expect(after.busyMs.GetLayout ?? 0).toBeGreaterThan(before.busyMs.GetLayout ?? 0);
    await raw.close();
  });

  it('computes a waiting calculation from the selections at the start of its turn', async () => {
    const { raw, charts, field } = await heavyApp(sim, 20_000);
    const before = grandTotal(await raw.call('GetLayout', [], { handle: charts[1] as number }));
    sim.control.delayResponses({ method: 'GetLayout', ms: 300, count: 1 }); // holds the slot
    const first = raw.call('GetLayout', [], { handle: charts[0] as number });
    const waiting = raw.call('GetLayout', [], { handle: charts[1] as number });
    const selected = await raw.call('SelectValues', [[{ qNumber: 1, qIsNumeric: true }]], { handle: field });
    expect(selected.change).toContain(charts[1]);
    await first;
    expect(grandTotal(await waiting)).toBeLessThan(before);
    await raw.close();
  });

  it('rejects an unknown calculation model', async () => {
    await expect(
      createSimulator({ calculations: { model: 'concurrent', abortOnChange: 'yes' as never } }),
    ).rejects.toThrow('createSimulator: options.calculations.abortOnChange must be a boolean');
    await expect(createSimulator({ calculations: { abortOnChange: true } as never })).rejects.toThrow(
      "createSimulator: options.calculations must be 'inline', 'queued' or 'concurrent' (or { model, abortOnChange }), got {\"abortOnChange\":true}",
    );
    await expect(createSimulator({ calculations: 'parallel' as never })).rejects.toThrow(
      "createSimulator: options.calculations must be 'inline', 'queued' or 'concurrent' (or { model, abortOnChange }), got \"parallel\"",
    );
  });
});

describe("the 'concurrent' calculation model", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo', calculations: 'concurrent' });
  });
  afterAll(() => sim.close());

  it('answers a calculation for the selections of the moment it was read, and lists its handle on a later change', async () => {
    const { raw, charts, field } = await heavyApp(sim, 20_000);
    const [held, chart] = charts as [number, number];
    const before = grandTotal(await raw.call('GetLayout', [], { handle: chart }));
    sim.control.delayResponses({ method: 'GetLayout', ms: 300, count: 1 }); // holds the slot
    const first = raw.call('GetLayout', [], { handle: held });
    const waiting = raw.call('GetLayout', [], { handle: chart, id: 950 });
    const selected = await raw.call('SelectValues', [[{ qNumber: 1, qIsNumeric: true }]], { handle: field });
    // Read before the selection: its answer cannot include it, so the selection lists the handle.
    expect(selected.change).toContain(chart);
    expect(raw.frames.some((f) => f.id === 950)).toBe(false);
    await first;
    expect(grandTotal(await waiting)).toBe(before);
    // The selection itself stands: a calculation read after it computes it.
    const after = grandTotal(await raw.call('GetLayout', [], { handle: chart }));
    expect(after).toBeLessThan(before);
    expect(grandTotal(await raw.call('GetLayout', [], { handle: held }))).toBe(after / 2);
    await raw.close();
  });

  it('never computes a superseded calculation cancelled while it waits', async () => {
    const { raw, charts } = await heavyApp(sim, 20_000);
    const before = sim.stats().engine;
    sim.control.delayResponses({ method: 'GetLayout', ms: 300, count: 1 });
    const first = raw.call('GetLayout', [], { handle: charts[0] as number });
    const waiting = raw.call('GetLayout', [], { handle: charts[1] as number, id: 960 });
    await raw.call('CancelRequest', [960]);
    expect((await waiting).error).toMatchObject({ code: 15 });
    await first;
    const after = sim.stats().engine;
    expect((after.aborted.GetLayout ?? 0) - (before.aborted.GetLayout ?? 0)).toBe(1);
    expect((after.completed.GetLayout ?? 0) - (before.completed.GetLayout ?? 0)).toBe(1);
    await raw.close();
  });
});

describe('calculations aborted by a change (abortOnChange)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo', calculations: { model: 'concurrent', abortOnChange: true } });
  });
  afterAll(() => sim.close());

  it('aborts the running and the waiting calculation a selection makes outdated', async () => {
    const { raw, charts, field } = await heavyApp(sim, 20_000);
    const [running, waitingOn] = charts as [number, number];
    const before = sim.stats().engine;
    const unselected = grandTotal(await raw.call('GetLayout', [], { handle: waitingOn }));
    sim.control.delayResponses({ method: 'GetLayout', ms: 300, count: 1 });
    const first = raw.call('GetLayout', [], { handle: running });
    const waiting = raw.call('GetLayout', [], { handle: waitingOn });
    await sleep(20);
    const seen = raw.frames.length;
    await raw.call('SelectValues', [[{ qNumber: 1, qIsNumeric: true }]], { handle: field });
    expect((await first).error).toMatchObject({ code: 15 });
    expect((await waiting).error).toMatchObject({ code: 15 });
    // Listed with whichever frame went out first (an abort's answer or the selection's).
    const listed = raw.frames.slice(seen).flatMap((frame) => (frame.change as number[] | undefined) ?? []);
    expect(listed).toEqual(expect.arrayContaining([running, waitingOn]));
    // The retry computes the new selections.
    expect(grandTotal(await raw.call('GetLayout', [], { handle: waitingOn }))).toBeLessThan(unselected);
    const after = sim.stats().engine;
    expect((after.aborted.GetLayout ?? 0) - (before.aborted.GetLayout ?? 0)).toBe(2);
    await raw.close();
  });
});
