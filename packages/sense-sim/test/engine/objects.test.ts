import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { eventually, isolated, openEnigma, openRaw, type Qix } from './engine-helpers.js';

const SALES_DASHBOARD = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';

describe('generic objects through plain enigma.js', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
  });
  afterAll(() => sim.close());

  async function sessionApp(): Promise<{ close: () => Promise<void>; app: Qix; global: Qix }> {
    const { session, global } = await openEnigma(sim);
    const app = (await global.createSessionApp()) as Qix;
    return { close: () => session.close(), app, global };
  }

  it('creates, gets and destroys session objects; an unknown id is OBJECT_NOT_FOUND in enigma.js', async () => {
    const { app, close } = await sessionApp();
    const obj = (await app.createSessionObject({ qInfo: { qId: 'LB01', qType: 'listbox' }, title: 'A' })) as Qix;
    expect(obj.id).toBe('LB01');
    expect(obj.genericType).toBe('listbox');
    const again = (await app.getObject('LB01')) as Qix;
    expect(again.handle).toBe(obj.handle); // one handle per object and connection
    await expect(app.getObject('nope')).rejects.toMatchObject({ code: -2 });
    let closed = false;
    obj.on('closed', () => {
      closed = true;
    });
    expect(await app.destroySessionObject('LB01')).toBe(true);
    expect(closed).toBe(true);
    expect(await app.destroySessionObject('LB01')).toBe(false);
    await close();
  });

  it('fills property defaults in GetProperties and keeps custom keys at any depth in the layout', async () => {
    const { app, close } = await sessionApp();
    const obj = (await app.createSessionObject({
      qInfo: { qType: 'my-hypercube' },
      qHyperCubeDef: { qDimensions: [{ qDef: { qFieldDefs: ['xyz'] } }], qMeasures: [], customProperty: 'kept' },
      metric: { qValueExpression: '=1+1' },
      label: { qStringExpression: "='a' & 'b'" },
      nested: { deeper: { custom: [1, 2, 3] } },
    })) as Qix;
    const props = await obj.getProperties();
    expect(props.qHyperCubeDef.qDimensions[0].qOtherTotalSpec).toMatchObject({ qOtherMode: 'OTHER_OFF' });
    expect(props.qHyperCubeDef.qDimensions[0].qDef.qGrouping).toBe('N');
    const layout = await obj.getLayout();
    expect(layout.qInfo.qId).toBe(obj.id);
    expect(layout.qHyperCube.customProperty).toBe('kept');
    expect(layout.qHyperCube.qSize).toEqual({ qcx: 1, qcy: 0 });
    expect(layout.qHyperCube.qDimensionInfo[0].qFallbackTitle).toBe('xyz');
    expect(layout.metric).toBe(2);
    expect(layout.label).toBe('ab');
    expect(layout.nested).toEqual({ deeper: { custom: [1, 2, 3] } });
    expect(layout).not.toHaveProperty('qHyperCubeDef');
    await close();
  });

  it('applies patches (qValue is JSON text) and lists the object in change', async () => {
    const { app, close } = await sessionApp();
    const obj = (await app.createSessionObject({ qInfo: { qType: 'x' }, patch: 0 })) as Qix;
    let changed = 0;
    obj.on('changed', () => {
      changed++;
    });
    await obj.applyPatches([{ qOp: 'replace', qPath: '/patch', qValue: '1' }]);
    expect((await obj.getLayout()).patch).toBe(1);
    await obj.applyPatches([{ qOp: 'add', qPath: '/list', qValue: JSON.stringify([0, 1]) }]);
    expect((await obj.getProperties()).list).toEqual([0, 1]);
    await expect(obj.applyPatches([{ qOp: 'add', qPath: '/bad', qValue: '{nope' }])).rejects.toMatchObject({ code: 8 });
    expect(changed).toBe(2);
    await close();
  });

  it('soft patches show in the layout and effective properties only', async () => {
    const { app, close } = await sessionApp();
    const obj = (await app.createSessionObject({ qInfo: { qType: 'x' }, color: 'red' })) as Qix;
    await obj.applyPatches([{ qOp: 'replace', qPath: '/color', qValue: '"blue"' }], true);
    const layout = await obj.getLayout();
    expect(layout.color).toBe('blue');
    expect(layout.qHasSoftPatches).toBe(true);
    expect((await obj.getProperties()).color).toBe('red');
    expect((await obj.getEffectiveProperties()).color).toBe('blue');
    await close();
  });

  it('manages children: CreateChild, GetChildInfos, GetChild, GetParent, DestroyChild, full property trees', async () => {
    const { app, close } = await sessionApp();
    const sheet = (await app.createSessionObject({
      qInfo: { qId: 'S1', qType: 'sheet' },
      qChildListDef: { qData: { title: '/title' } },
    })) as Qix;
    const chart = (await sheet.createChild({ qInfo: { qId: 'C1', qType: 'barchart' }, title: 'Sales' })) as Qix;
    await sheet.createChild({ qInfo: { qId: 'C2', qType: 'kpi' }, title: 'KPI' });
    expect(await sheet.getChildInfos()).toEqual([
      { qId: 'C1', qType: 'barchart' },
      { qId: 'C2', qType: 'kpi' },
    ]);
    const layout = await sheet.getLayout();
    expect(layout.qChildList.qItems.map((i: { qData: unknown }) => i.qData)).toEqual([
      { title: 'Sales' },
      { title: 'KPI' },
    ]);
    expect((await sheet.getChild('C1')).handle).toBe(chart.handle);
    expect((await chart.getParent()).id).toBe('S1');
    const tree = await sheet.getFullPropertyTree();
    expect(tree.qProperty.qInfo).toEqual({ qId: 'S1', qType: 'sheet' });
    expect(tree.qChildren.map((c: { qProperty: { qInfo: { qId: string } } }) => c.qProperty.qInfo.qId)).toEqual([
      'C1',
      'C2',
    ]);
    // SetFullPropertyTree: drop C2, change C1, add C3
    await sheet.setFullPropertyTree({
      qProperty: tree.qProperty,
      qChildren: [
        { qProperty: { qInfo: { qId: 'C1', qType: 'barchart' }, title: 'Revenue' }, qChildren: [] },
        { qProperty: { qInfo: { qId: 'C3', qType: 'table' }, title: 'Table' }, qChildren: [] },
      ],
    });
    expect((await sheet.getChildInfos()).map((i: { qId: string }) => i.qId)).toEqual(['C1', 'C3']);
    expect((await chart.getProperties()).title).toBe('Revenue');
    expect(await sheet.destroyChild('C1')).toBe(true);
    expect((await sheet.getChildInfos()).map((i: { qId: string }) => i.qId)).toEqual(['C3']);
    await close();
  });

  it('links an object to a persistent one with qExtendsId', async () => {
    const { session, global } = await openEnigma(sim);
    const app = (await global.openDoc(SALES_DASHBOARD)) as Qix;
    const base = (await app.createObject({
      qInfo: { qId: `base-${Date.now()}`, qType: 'barchart' },
      title: 'Base',
    })) as Qix;
    const linked = (await app.createSessionObject({ qInfo: { qType: 'barchart' }, qExtendsId: base.id })) as Qix;
    const layout = await linked.getLayout();
    expect(layout.title).toBe('Base');
    expect(layout.qExtendsId).toBe(base.id);
    await expect(app.createSessionObject({ qInfo: { qType: 'x' }, qExtendsId: 'missing' })).rejects.toMatchObject({
      code: 8000,
    });
    expect(await app.destroyObject(base.id)).toBe(true);
    await session.close();
  });

  it('lists sheets, master items and variables of a fixture app in its layouts and GetObjects', async () => {
    const { session, global } = await openEnigma(sim);
    const app = (await global.openDoc(SALES_DASHBOARD)) as Qix;
    const list = (await app.createSessionObject({
      qInfo: { qType: 'sheetlist' },
      qAppObjectListDef: { qType: 'sheet', qData: { title: '/qMetaDef/title' } },
    })) as Qix;
    const sheets = (await list.getLayout()).qAppObjectList.qItems;
    expect(sheets.length).toBeGreaterThanOrEqual(2);
    expect(sheets[0]).toMatchObject({ qInfo: { qType: 'sheet' }, qMeta: { privileges: expect.any(Array) } });
    expect(typeof sheets[0].qData.title).toBe('string');
    const measures = (await app.createSessionObject({
      qInfo: { qType: 'measurelist' },
      qMeasureListDef: { qType: 'measure', qData: { title: '/qMetaDef/title', expr: '/qMeasure/qDef' } },
    })) as Qix;
    const items = (await measures.getLayout()).qMeasureList.qItems;
    expect(items.length).toBe(8);
    expect(items.every((i: { qData: { expr: string } }) => typeof i.qData.expr === 'string')).toBe(true);
    const objects = await app.getObjects({ qTypes: ['sheet'], qIncludeSessionObjects: false, qData: {} });
    expect(objects.map((o: { qInfo: { qType: string } }) => o.qInfo.qType)).toEqual(sheets.map(() => 'sheet'));
    const vars = (await app.createSessionObject({
      qInfo: { qType: 'vl' },
      qVariableListDef: { qType: 'variable' },
    })) as Qix;
    // The fixture's three variables and the three its script sets (SET vModelPath, LET vCalStart/vCalEnd).
    expect((await vars.getLayout()).qVariableList.qItems.map((v: { qName: string }) => v.qName)).toEqual([
      'vCurrentYear',
      'vPreviousYear',
      'vTopN',
      'vModelPath',
      'vCalStart',
      'vCalEnd',
    ]);
    await session.close();
  });

  it('master items and variables: create, layout, properties, set values, destroy', async () => {
    const { app, close } = await sessionApp();
    const measure = (await app.createMeasure({
      qInfo: { qType: 'measure' },
      qMeasure: { qLabel: 'Total', qDef: 'Sum(Sales)' },
      qMetaDef: { title: 'Total' },
    })) as Qix;
    const mLayout = await measure.getLayout();
    expect(mLayout.qMeasure).toMatchObject({ qLabel: 'Total', qDef: 'Sum(Sales)', qGrouping: 'N' });
    expect(mLayout.qMeta).toMatchObject({ title: 'Total' });
    expect((await measure.getMeasure()).qDef).toBe('Sum(Sales)');
    const dim = (await app.createDimension({
      qInfo: { qType: 'dimension' },
      qDim: { qFieldDefs: ['Region'], qFieldLabels: ['Region'], qGrouping: 'N' },
    })) as Qix;
    expect((await dim.getLayout()).qDimInfos).toHaveLength(1);
    const variable = (await app.createVariableEx({
      qInfo: { qType: 'variable' },
      qName: 'vRate',
      qDefinition: '=2*3',
    })) as Qix;
    expect(await variable.getLayout()).toMatchObject({ qText: '6', qNum: 6 });
    await variable.setNumValue(7);
    expect(await variable.getLayout()).toMatchObject({ qNum: 7 });
    expect((await app.getVariableByName('vRate')).id).toBe(variable.id);
    await expect(app.createVariableEx({ qInfo: { qType: 'variable' }, qName: 'vRate' })).rejects.toMatchObject({
      code: 3,
    });
    expect(await app.destroyVariableByName('vRate')).toBe(true);
    expect(await app.destroyMeasure(measure.id)).toBe(true);
    await close();
  });

  it('close lists destroyed handles with their children', async () => {
    const raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    await raw.call('CreateSessionObject', [{ qInfo: { qId: 'SH01', qType: 'sheet' } }], { handle: 1 });
    await raw.call('CreateChild', [{ qInfo: { qId: 'CH01', qType: 'kpi' } }], { handle: 2 });
    const destroyed = await raw.call('DestroySessionObject', ['SH01'], { handle: 1 });
    expect(destroyed.result).toEqual({ qSuccess: true });
    expect(destroyed.close).toEqual([2, 3]);
    await raw.close();
  });

  it('SetProperties lists the handle even without a GetLayout; dependants change only once validated', async () => {
    const raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
    await raw.call('CreateSessionObject', [{ qInfo: { qId: 'A', qType: 'x' } }], { handle: 1 });
    const list = await raw.call(
      'CreateSessionObject',
      [{ qInfo: { qId: 'L', qType: 'list' }, qAppObjectListDef: { qType: 'x' } }],
      { handle: 1 },
    );
    expect(list.change).toEqual([3]);
    const set = await raw.call('SetProperties', [{ qInfo: { qId: 'A', qType: 'x' }, v: 1 }], { handle: 2 });
    expect(set.change).toEqual([2]);
    // the list was never laid out: not listed
    await raw.call('GetLayout', [], { handle: 2 });
    await raw.call('GetLayout', [], { handle: 3 });
    const second = await raw.call('SetProperties', [{ qInfo: { qId: 'A', qType: 'x' }, v: 2 }], { handle: 2 });
    expect(second.change).toEqual([2]);
    // L lists only persistent objects of type x: A is a session object, so L did not read it
    const third = await raw.call('SetProperties', [{ qInfo: { qId: 'A', qType: 'x' }, v: 3 }], { handle: 2 });
    expect(third.change).toEqual([2]);
    await raw.close();
  });

  it('pushes change lists to another session when a shared persistent object changes', async () => {
    const a = await openRaw(sim, isolated(SALES_DASHBOARD));
    const b = await openRaw(sim, isolated(SALES_DASHBOARD));
    for (const raw of [a, b]) await raw.call('OpenDoc', [SALES_DASHBOARD]);
    const id = `shared-${Date.now()}`;
    await a.call('CreateObject', [{ qInfo: { qId: id, qType: 'chart' }, v: 0 }], { handle: 1 });
    const inB = await b.call('GetObject', [id], { handle: 1 });
    const bHandle = (inB.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    await b.call('GetLayout', [], { handle: bHandle });
    await a.call('SetProperties', [{ qInfo: { qId: id, qType: 'chart' }, v: 1 }], { handle: 2 });
    const pushed = await b.next((f) => f.id === undefined && Array.isArray(f.change));
    expect(pushed).toEqual({ jsonrpc: '2.0', change: [bHandle] });
    // and destroying it closes b's handle too
    await a.call('DestroyObject', [id], { handle: 1 });
    const closed = await b.next((f) => f.id === undefined && Array.isArray(f.close));
    expect(closed.close).toEqual([bHandle]);
    await a.close();
    await b.close();
  });

  it('enigma.js applies the delta patches to the same layout the engine sends without delta', async () => {
    const { session, global } = await openEnigma(sim, isolated(SALES_DASHBOARD));
    const app = (await global.openDoc(SALES_DASHBOARD)) as Qix;
    const raw = await openRaw(sim, isolated(SALES_DASHBOARD));
    await raw.call('OpenDoc', [SALES_DASHBOARD]);
    const infos = (await app.getAllInfos()) as { qId: string; qType: string }[];
    const sheetIds = infos.filter((i) => i.qType === 'sheet').map((i) => i.qId);
    expect(sheetIds.length).toBeGreaterThan(0);
    for (const id of sheetIds) {
      const viaEnigma = (await app.getObject(id)) as Qix;
      const before = await viaEnigma.getLayout();
      await viaEnigma.applyPatches([
        { qOp: 'add', qPath: '/qMetaDef/description', qValue: JSON.stringify(`changed ${id}`) },
      ]);
      const afterDelta = await viaEnigma.getLayout(); // enigma applies the JSON-Patch
      const rawObject = await raw.call('GetObject', [id], { handle: 1 });
      const handle = (rawObject.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
      const plain = (await raw.call('GetLayout', [], { handle })).result as { qLayout: unknown };
      expect(afterDelta).toEqual(plain.qLayout);
      expect(afterDelta).not.toEqual(before);
    }
    await raw.close();
    await session.close();
  });

  it('keeps every handle of a connection away from leaks: counters go back when sockets close', async () => {
    await eventually(() => sim.stats().engine.connections === 0, 3000);
    expect(sim.stats().engine).toMatchObject({ sessions: 0, connections: 0, handles: 0, appListeners: 0 });
  });
});
