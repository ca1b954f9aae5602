import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { allowedOrigin, appUrl, handshake, openSocket } from '../helpers.js';
import { eventually, isolated, openEnigma, openRaw, type Qix } from './engine-helpers.js';

const SALES_DASHBOARD = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';
const FINANCE = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12';

describe('engine sessions and apps', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
  });
  afterAll(() => sim.close());

  it('OpenDoc opens a fixture app by id or name; OpenDoc of another app in the session is 1002', async () => {
    const raw = await openRaw(sim);
    const opened = await raw.call('OpenDoc', [SALES_DASHBOARD]);
    expect(opened.result).toEqual({
      qReturn: { qType: 'Doc', qHandle: 1, qGenericId: SALES_DASHBOARD },
    });
    expect(opened.change).toEqual([1]);
    expect((await raw.call('OpenDoc', [FINANCE])).error).toEqual({
      code: 1002,
      parameter: FINANCE,
      message: 'App already open',
    });
    expect((await raw.call('GetActiveDoc')).result).toMatchObject({ qReturn: { qHandle: 1 } });
    await raw.close();
    const byName = await openRaw(sim);
    expect((await byName.call('OpenDoc', ['Finance'])).result).toMatchObject({ qReturn: { qGenericId: FINANCE } });
    await byName.close();
  });

  it('lists apps with GetDocList', async () => {
    const raw = await openRaw(sim);
    const list = (await raw.call('GetDocList')).result as { qDocList: { qDocId: string; qTitle: string }[] };
    expect(list.qDocList.map((d) => d.qTitle).sort()).toEqual(
      ['Finance', 'HR Overview', 'Sales Dashboard', 'Sales Extract', 'Sales Transform'].sort(),
    );
    await raw.close();
  });

  it('shares one engine session between sockets of the same user + app + identity (SESSION_ATTACHED)', async () => {
    const path = isolated(SALES_DASHBOARD);
    const first = await openRaw(sim, path);
    await first.call('OpenDoc', [SALES_DASHBOARD]);
    const second = await openRaw(sim, path);
    expect(second.frames[0]).toEqual({
      jsonrpc: '2.0',
      method: 'OnConnected',
      params: { qSessionState: 'SESSION_ATTACHED' },
    });
    const active = await second.call('GetActiveDoc');
    expect(active.result).toMatchObject({ qReturn: { qType: 'Doc', qGenericId: SALES_DASHBOARD } });
    // another identity is another session
    const other = await openRaw(sim, isolated(SALES_DASHBOARD));
    expect(other.frames[0]).toMatchObject({ params: { qSessionState: 'SESSION_CREATED' } });
    expect((await other.call('GetActiveDoc')).error).toMatchObject({ code: 1007 });
    for (const r of [first, second, other]) await r.close();
  });

  it('without ttl a session dies with its last socket; with /ttl/s a reconnect re-attaches with its objects on new handles', async () => {
    const plain = isolated(SALES_DASHBOARD);
    const a = await openRaw(sim, plain);
    await a.call('OpenDoc', [SALES_DASHBOARD]);
    await a.close();
    await eventually(() => sim.stats().engine.connections === 0);
    const a2 = await openRaw(sim, plain);
    expect(a2.frames[0]).toMatchObject({ params: { qSessionState: 'SESSION_CREATED' } });
    await a2.close();

    const withTtl = `${isolated(SALES_DASHBOARD)}/ttl/30`;
    const { session, global } = await openEnigma(sim, withTtl, { suspendOnClose: true });
    const app = (await global.openDoc(SALES_DASHBOARD)) as Qix;
    const obj = (await app.createSessionObject({ qInfo: { qId: 'kept', qType: 'x' }, n: 1 })) as Qix;
    const oldHandle = obj.handle;
    await session.suspend();
    await session.resume(true); // onlyIfAttached: rejects unless SESSION_ATTACHED
    const props = await obj.getProperties();
    expect(props.n).toBe(1);
    expect(obj.handle).not.toBe(oldHandle);
    await session.close();
  });

  it('/app/SessionApp_<id> creates and activates a session app; CreateSessionApp does the same on demand', async () => {
    const raw = await openRaw(sim, 'SessionApp_cafe01');
    const active = await raw.call('GetActiveDoc');
    expect(active.result).toMatchObject({ qReturn: { qType: 'Doc', qGenericId: 'SessionApp_cafe01' } });
    const layout = await raw.call('GetAppLayout', [], { handle: 1 });
    expect(layout.result).toMatchObject({ qLayout: { qIsSessionApp: true } });
    await raw.close();
  });

  it('CreateApp, SetScript, DoSave and DeleteApp; a restart keeps saved changes and drops unsaved ones', async () => {
    const raw = await openRaw(sim);
    const name = `Created ${Date.now()}`;
    const created = (await raw.call('CreateApp', [name])).result as { qSuccess: boolean; qAppId: string };
    expect(created.qSuccess).toBe(true);
    expect((await raw.call('CreateApp', [name])).error).toMatchObject({ code: 1000 });
    await raw.call('OpenDoc', [created.qAppId]);
    const script = (await raw.call('GetScript', [], { handle: 1 })).result as { qScript: string };
    expect(script.qScript).toContain('///$tab Main');
    await raw.call('SetScript', ['LOAD 1 AS X AUTOGENERATE 1;'], { handle: 1 });
    await raw.call('CreateObject', [{ qInfo: { qId: 'saved-sheet', qType: 'sheet' } }], { handle: 1 });
    await raw.call('DoSave', [], { handle: 1 });
    await raw.call('CreateObject', [{ qInfo: { qId: 'unsaved-sheet', qType: 'sheet' } }], { handle: 1 });
    await raw.close();

    await sim.control.restartEngine();
    const after = await openRaw(sim);
    await after.call('OpenDoc', [created.qAppId]);
    expect((await after.call('GetScript', [], { handle: 1 })).result).toEqual({
      qScript: 'LOAD 1 AS X AUTOGENERATE 1;',
    });
    expect((await after.call('GetObject', ['saved-sheet'], { handle: 1 })).result).toMatchObject({
      qReturn: { qType: 'GenericObject' },
    });
    expect((await after.call('GetObject', ['unsaved-sheet'], { handle: 1 })).result).toEqual({
      qReturn: { qType: null, qHandle: null },
    });
    await after.close();
    // the app shows in QRS-facing app list, and DeleteApp removes it
    expect(sim.apps.some((a) => a.id === created.qAppId)).toBe(true);
    const deleter = await openRaw(sim);
    expect((await deleter.call('DeleteApp', [created.qAppId])).result).toEqual({ qSuccess: true });
    expect((await deleter.call('DeleteApp', [created.qAppId])).error).toMatchObject({ code: 1003 });
    await deleter.close();
  });

  it('a restart drops every engine socket', async () => {
    const raw = await openRaw(sim);
    const closed = new Promise<number>((resolve) => raw.ws.once('close', (code) => resolve(code)));
    await sim.control.restartEngine();
    expect(await closed).toBe(1006);
  });

  it('OpenDoc with qNoData reports an app opened without data', async () => {
    const raw = await openRaw(sim);
    await raw.call('OpenDoc', [FINANCE, '', '', '', true]);
    expect((await raw.call('GetAppLayout', [], { handle: 1 })).result).toMatchObject({
      qLayout: { qIsOpenedWithoutData: true, qTitle: 'Finance' },
    });
    await raw.close();
  });

  it('serves the same engine behind the JWT virtual proxy (cookie + CSRF), with the proxy user', async () => {
    const { cookie, csrf } = await handshake(sim, { userId: 'engine-user', userDirectory: 'CORP' });
    const socket = await openSocket(sim, appUrl(sim, SALES_DASHBOARD, csrf), {
      headers: { cookie },
      origin: allowedOrigin(sim),
    });
    expect(await socket.next()).toMatchObject({ method: 'OnConnected', params: { qSessionState: 'SESSION_CREATED' } });
    const user = await socket.call('GetAuthenticatedUser');
    expect(user.result).toEqual({ qReturn: 'UserDirectory=CORP; UserId=engine-user' });
    const doc = await socket.call('OpenDoc', [SALES_DASHBOARD]);
    expect(doc.result).toMatchObject({ qReturn: { qType: 'Doc', qHandle: 1 } });
    socket.ws.close();
    await socket.closed;
  });
});
