import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { http } from '../helpers.js';
import { openEnigma, openRaw, type Qix } from './engine-helpers.js';

const SALES_DASHBOARD = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';

describe('Doc methods', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
  });
  afterAll(() => sim.close());

  it('SetAppProperties keeps custom keys and lists the Doc handle in change (enigma.js emits changed)', async () => {
    const { session, global } = await openEnigma(sim);
    const app = (await global.createSessionApp()) as Qix;
    let changed = 0;
    app.on('changed', () => {
      changed++;
    });
    const props = await app.getAppProperties();
    await app.setAppProperties({ ...props, foo: 'bar', qTitle: 'Renamed' });
    expect(changed).toBe(1);
    expect(await app.getAppProperties()).toMatchObject({ foo: 'bar', qTitle: 'Renamed' });
    expect(await app.getAppLayout()).toMatchObject({ foo: 'bar', qTitle: 'Renamed' });
    await app.setScript('LOAD 1 AS A AUTOGENERATE 1;');
    expect(changed).toBe(2);
    expect(await app.getScript()).toBe('LOAD 1 AS A AUTOGENERATE 1;');
    await session.close();
  });

  it('reads the site data connections and creates new ones', async () => {
    const { session, global } = await openEnigma(sim);
    const app = (await global.openDoc(SALES_DASHBOARD)) as Qix;
    const connections = (await app.getConnections()) as { qName: string; qType: string; qConnectionString: string }[];
    expect(connections.map((c) => c.qName).sort()).toEqual(['DataFiles', 'HRDB', 'QVDs', 'SalesDB']);
    const id = await app.createConnection({ qName: 'Extra', qType: 'folder', qConnectionString: 'extra' });
    expect(typeof id).toBe('string');
    expect((await app.getConnection(id)).qName).toBe('Extra');
    await expect(
      app.createConnection({ qName: 'extra', qType: 'folder', qConnectionString: 'x' }),
    ).rejects.toMatchObject({
      code: 2000,
    });
    await app.deleteConnection(id);
    await expect(app.getConnection(id)).rejects.toMatchObject({ code: 2001 });
    await session.close();
  });

  it('answers the 10 000-cell limit with 7009 and an unknown hypercube path with 6000', async () => {
    const { session, global } = await openEnigma(sim);
    const app = (await global.createSessionApp()) as Qix;
    const obj = (await app.createSessionObject({
      qInfo: { qType: 'table' },
      qHyperCubeDef: { qDimensions: [{ qDef: { qFieldDefs: ['A'] } }], qMeasures: [{ qDef: { qDef: 'Sum(B)' } }] },
    })) as Qix;
    await expect(
      obj.getHyperCubeData('/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 5001 }]),
    ).rejects.toMatchObject({ code: 7009 });
    await expect(
      obj.getHyperCubeData('/nowhere', [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 5 }]),
    ).rejects.toMatchObject({
      code: 6000,
    });
    const pages = await obj.getHyperCubeData('/qHyperCubeDef', [{ qLeft: 0, qTop: 0, qWidth: 2, qHeight: 10 }]);
    expect(pages).toHaveLength(1);
    expect(pages[0].qMatrix).toEqual([]); // no data loaded yet
    await session.close();
  });
});

describe('the HTTP control API and socket faults', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo', controlToken: 'test-control-token-0123' });
  });
  afterAll(() => sim.close());

  const control = (action: string, body: unknown, token = 'test-control-token-0123') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      import('node:https').then(({ request }) => {
        const req = request(
          `${sim.url}/__sim/control/${action}`,
          { method: 'POST', ca: sim.ca, headers: { 'x-sim-control-token': token, 'content-type': 'application/json' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      }, reject);
    });

  it('refuses calls without the right token', async () => {
    expect((await control('reset', {}, 'wrong-token-wrong-token')).status).toBe(403);
    expect((await http(sim, 'GET', '/__sim/stats')).status).toBe(403);
  });

  it('injects engine errors and reports stats over HTTP', async () => {
    expect(await control('fail-next', { method: 'EngineVersion', code: 15, message: 'Request aborted' })).toEqual({
      status: 200,
      body: '{}',
    });
    const raw = await openRaw(sim);
    expect((await raw.call('EngineVersion')).error).toMatchObject({ code: 15 });
    expect((await raw.call('EngineVersion')).result).toHaveProperty('qVersion');
    const stats = await http(sim, 'GET', '/__sim/stats', { 'x-sim-control-token': 'test-control-token-0123' });
    expect(JSON.parse(stats.body)).toMatchObject({ engine: { connections: 1 } });
    await raw.close();
    expect((await control('fail-next', {})).status).toBe(400);
    expect((await control('explode', {})).status).toBe(404);
  });

  it('drops every engine socket with a chosen close code', async () => {
    const a = await openRaw(sim);
    const b = await openRaw(sim);
    const codes = Promise.all([a, b].map((r) => new Promise<number>((resolve) => r.ws.once('close', resolve))));
    expect(await control('drop-sockets', { code: 4003 })).toEqual({ status: 200, body: '{"dropped":2}' });
    expect(await codes).toEqual([4003, 4003]);
  });
});

describe('variables and app properties keep the engine-owned values', () => {
  it('SetStringValue, SetNumValue and SetDualValue give the layout text, number and dual', async () => {
    const sim = await createSimulator();
    const { session, global } = await openEnigma(sim);
    const app = (await global.createSessionApp()) as Qix;
    const variable = (await app.createVariableEx({
      qInfo: { qType: 'variable' },
      qName: 'vX',
      qDefinition: '1',
    })) as Qix;
    await variable.setStringValue('many');
    expect(await variable.getLayout()).toMatchObject({ qText: 'many', qNum: 'NaN' });
    await variable.setNumValue(42);
    expect(await variable.getLayout()).toMatchObject({ qText: '42', qNum: 42 });
    await variable.setDualValue('ten', 10);
    expect(await variable.getLayout()).toMatchObject({ qText: 'ten', qNum: 10 });
    const props = await app.getAppProperties();
    await app.setAppProperties({ ...props, qLastReloadTime: '1999-01-01', custom: 1 });
    const layout = await app.getAppLayout();
    expect(layout.qLastReloadTime).not.toBe('1999-01-01');
    expect(layout.custom).toBe(1);
    await session.close();
    await sim.close();
  });
});
