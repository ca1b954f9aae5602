import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { eventually, isolated, openEnigma, openRaw, type Qix } from './engine-helpers.js';

const SALES_DASHBOARD = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';
const FINANCE = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12';

/** A fresh session-app URL path (the engine creates the app for the first socket). */
function sessionAppPath(): string {
  return `SessionApp_${randomBytes(8).toString('hex')}`;
}

describe('documents as real engines keep them', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ site: 'demo' });
  });
  afterAll(() => sim.close());

  it('OpenDoc of the open app answers the open Doc; another mode is 1009, another app 1002', async () => {
    const raw = await openRaw(sim, isolated(SALES_DASHBOARD));
    const first = await raw.call('OpenDoc', [SALES_DASHBOARD]);
    // The recorded engine's Doc interface has no qGenericType.
    expect(first.result).toEqual({ qReturn: { qType: 'Doc', qHandle: 1, qGenericId: SALES_DASHBOARD } });
    const again = await raw.call('OpenDoc', [SALES_DASHBOARD]);
    expect(again.result).toEqual({ qReturn: { qType: 'Doc', qHandle: 1, qGenericId: SALES_DASHBOARD } });
    expect((await raw.call('OpenDoc', ['Sales Dashboard'])).result).toMatchObject({ qReturn: { qHandle: 1 } });
    expect((await raw.call('OpenDoc', [SALES_DASHBOARD, '', '', '', true])).error).toEqual({
      code: 1009,
      parameter: SALES_DASHBOARD,
      message: 'App already open in different mode',
    });
    expect((await raw.call('OpenDoc', [FINANCE])).error).toMatchObject({ code: 1002, parameter: FINANCE });
    await raw.close();
  });

  it('a second client that re-attaches to a live session calls OpenDoc again and gets the same document', async () => {
    const path = isolated(SALES_DASHBOARD);
    const a = await openEnigma(sim, path);
    const appA = (await a.global.openDoc(SALES_DASHBOARD)) as Qix;
    await appA.createSessionObject({ qInfo: { qId: 'shared-in-session', qType: 'note' }, text: 'from A' });

    const b = await openEnigma(sim, path);
    // enigma.js has consumed its OnConnected; a third socket on the path shows how sockets land there.
    const rawC = await openRaw(sim, path);
    expect(rawC.frames[0]).toMatchObject({ params: { qSessionState: 'SESSION_ATTACHED' } });
    await rawC.close();

    const appB = (await b.global.openDoc(SALES_DASHBOARD)) as Qix;
    expect(appB.id).toBe(SALES_DASHBOARD);
    const note = (await appB.getObject('shared-in-session')) as Qix;
    expect((await note.getProperties()).text).toBe('from A');
    await expect(b.global.openDoc(FINANCE)).rejects.toMatchObject({ code: 1002 });
    await b.session.close();
    await a.session.close();
  });

  it('enigma.js suspend() + resume() on /app/SessionApp_<id> finds the session app with its unsaved properties', async () => {
    const path = sessionAppPath();
    const { session, global } = await openEnigma(sim, path, { suspendOnClose: true });
    const app = (await global.getActiveDoc()) as Qix;
    const props = await app.getAppProperties();
    await app.setAppProperties({ ...props, qTitle: 'Unsaved title', draft: { step: 3 } });
    await app.setScript('LOAD 1 AS One AUTOGENERATE 1;');
    await session.suspend();
    await session.resume(true); // onlyIfAttached: rejects unless the engine kept the session
    expect(await app.getAppProperties()).toMatchObject({ qTitle: 'Unsaved title', draft: { step: 3 } });
    expect(await app.getScript()).toBe('LOAD 1 AS One AUTOGENERATE 1;');
    await session.close();

    // A new socket to the same URL within the grace period finds it too.
    const later = await openRaw(sim, path);
    expect(later.frames[0]).toMatchObject({ params: { qSessionState: 'SESSION_ATTACHED' } });
    const doc = (await later.call('GetActiveDoc')).result as { qReturn: { qHandle: number } };
    const layout = (await later.call('GetAppLayout', [], { handle: doc.qReturn.qHandle })).result as {
      qLayout: Record<string, unknown>;
    };
    expect(layout.qLayout).toMatchObject({ qTitle: 'Unsaved title', draft: { step: 3 }, qIsSessionApp: true });
    await later.close();
  });

  it('a session app is gone once its grace period has passed (sessionAppGraceSeconds)', async () => {
    const short = await createSimulator({ sessionAppGraceSeconds: 1, reloadOnStart: false });
    try {
      const path = sessionAppPath();
      const first = await openRaw(short, path);
      expect((await first.call('GetActiveDoc')).result).toMatchObject({ qReturn: { qHandle: 1 } });
      expect((await first.call('SetAppProperties', [{ qTitle: 'Short-lived' }], { handle: 1 })).result).toEqual({});
      await first.close();
      const within = await openRaw(short, path);
      expect(within.frames[0]).toMatchObject({ params: { qSessionState: 'SESSION_ATTACHED' } });
      await within.close();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after = await openRaw(short, path);
      expect(after.frames[0]).toMatchObject({ params: { qSessionState: 'SESSION_CREATED' } });
      const doc = (await after.call('GetActiveDoc')).result as { qReturn: { qHandle: number } };
      const props = (await after.call('GetAppProperties', [], { handle: doc.qReturn.qHandle })).result as {
        qProp: { qTitle: string };
      };
      expect(props.qProp.qTitle).not.toBe('Short-lived');
      await after.close();
    } finally {
      await short.close();
    }
    await expect(createSimulator({ sessionAppGraceSeconds: -1 })).rejects.toThrow(/sessionAppGraceSeconds/);
  });
});

describe('variables and locale after a reload', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ reloadOnStart: false });
  });
  afterAll(() => sim.close());

  const script = (x: string) =>
    [
      "SET ThousandSep='.';",
      "SET DecimalSep=',';",
      "SET DateFormat='DD.MM.YYYY';",
      "SET MoneyFormat='#.##0,00 €;-#.##0,00 €';",
      `LET vX = ${x};`,
      'SET vExpr = Sum(A);',
      'LOAD * INLINE [',
      'A',
      '1',
      '2',
      '];',
    ].join('\n');

  async function reloaded(x: string): Promise<{ session: EnigmaJS.Session; app: Qix }> {
    const { session, global } = await openEnigma(sim);
    const app = (await global.createSessionApp()) as Qix;
    await app.setScript(script(x));
    expect(await app.doReload()).toBe(true);
    return { session, app };
  }

  it('script variables are app variables: by name and id, with value, definition and qIsScriptCreated', async () => {
    const { session, app } = await reloaded('40 + 2');
    const vX = (await app.getVariableByName('vX')) as Qix;
    expect(vX.type).toBe('GenericVariable');
    const layout = await vX.getLayout();
    // LET evaluates 40 + 2: the variable holds 42.
    expect(layout).toMatchObject({ qText: '42', qNum: 42, qIsScriptCreated: true, qInfo: { qType: 'variable' } });
    const props = await vX.getProperties();
    expect(props).toMatchObject({ qName: 'vX', qDefinition: '42' });
    const byId = (await app.getVariableById(props.qInfo.qId)) as Qix;
    expect((await byId.getLayout()).qNum).toBe(42);
    // SET keeps the text; $(vExpr) expands in chart expressions: Sum(A) = 1 + 2.
    expect((await ((await app.getVariableByName('vExpr')) as Qix).getProperties()).qDefinition).toBe('Sum(A)');
    expect(await app.evaluate('$(vExpr) * 10')).toBe('30');
    expect(await app.evaluate('$(vX) + 1')).toBe('43');
    // Reserved and system variables can be read by name as well.
    const sep = (await app.getVariableByName('ThousandSep')) as Qix;
    expect(await sep.getLayout()).toMatchObject({ qText: '.', qIsScriptCreated: true });
    expect(await ((await app.getVariableByName('QvPath')) as Qix).getLayout()).toMatchObject({
      qText: 'C:\\Program Files\\Qlik\\Sense\\Engine\\',
    });
    await session.close();
  });

  it('variable lists: reserved, system and session variables only when asked for', async () => {
    const { session, app } = await reloaded('40 + 2');
    await app.createSessionVariable({ qInfo: { qType: 'variable' }, qName: 'vSession', qDefinition: '1' });
    await app.createVariableEx({ qInfo: { qType: 'variable' }, qName: 'vUser', qDefinition: '=Max(A)' });
    const list = async (flags: Record<string, boolean>) => {
      const obj = (await app.createSessionObject({
        qInfo: { qType: 'VariableList' },
        qVariableListDef: { qType: 'variable', ...flags },
      })) as Qix;
      const items = (await obj.getLayout()).qVariableList.qItems as Record<string, unknown>[];
      return new Map(items.map((item) => [String(item.qName), item]));
    };
    const plain = await list({});
    expect([...plain.keys()].sort()).toEqual(['vExpr', 'vUser', 'vX']);
    expect(plain.get('vX')).toMatchObject({ qDefinition: '42', qIsScriptCreated: true });
    expect(plain.get('vX')).not.toHaveProperty('qIsReserved');
    expect(plain.get('vUser')).not.toHaveProperty('qIsScriptCreated');

    const reserved = await list({ qShowReserved: true });
    expect(reserved.get('ThousandSep')).toMatchObject({ qDefinition: '.', qIsReserved: true, qIsScriptCreated: true });
    expect(reserved.get('ScriptErrorCount')).toMatchObject({ qDefinition: '0', qIsReserved: true });
    expect(reserved.get('ScriptErrorCount')).not.toHaveProperty('qIsScriptCreated');
    expect(reserved.has('QvPath')).toBe(false);

    const config = await list({ qShowConfig: true });
    expect(config.get('QvPath')).toMatchObject({ qIsConfig: true });
    expect(config.has('ThousandSep')).toBe(false);

    expect((await list({ qShowSession: true })).get('vSession')).toMatchObject({ qDefinition: '1' });
    expect(plain.has('vSession')).toBe(false);
    await session.close();
  });

  it('a reload gives script variables their new values and tells open variable objects', async () => {
    const { session, app } = await reloaded('40 + 2');
    const vX = (await app.getVariableByName('vX')) as Qix;
    const id = (await vX.getProperties()).qInfo.qId;
    expect((await vX.getLayout()).qNum).toBe(42);
    let changed = 0;
    vX.on('changed', () => {
      changed++;
    });
    await app.setScript(script('6 * 7 + 1'));
    expect(await app.doReload()).toBe(true);
    await eventually(() => changed > 0);
    expect(await vX.getLayout()).toMatchObject({ qText: '43', qNum: 43 });
    // The same variable (same id), not a new one.
    expect((await vX.getProperties()).qInfo.qId).toBe(id);
    await session.close();
  });

  it('GetAppLayout carries qLocaleInfo, the same as GetLocaleInfo, from the script settings', async () => {
    const { session, app } = await reloaded('1');
    const locale = await app.getLocaleInfo();
    expect(locale).toMatchObject({
      qDecimalSep: ',',
      qThousandSep: '.',
      qMoneyDecimalSep: ',',
      qMoneyThousandSep: '.',
      qDateFmt: 'DD.MM.YYYY',
      qMoneyFmt: '#.##0,00 €;-#.##0,00 €',
    });
    expect((await app.getAppLayout()).qLocaleInfo).toEqual(locale);
    await session.close();
  });

  it('Field.Select and the other selections answer false in a locked field (true with qSoftLock)', async () => {
    const { session, app } = await reloaded('1');
    const field = (await app.getField('A')) as Qix;
    expect(await field.select('1')).toBe(true);
    expect(await field.lock()).toBe(true);
    expect(await field.select('2')).toBe(false);
    expect(await field.selectValues([{ qText: '2' }])).toBe(false);
    expect(await field.lowLevelSelect([1], false)).toBe(false);
    expect(await field.selectAll()).toBe(false);
    expect(await field.clear()).toBe(false);
    expect(await app.evaluate('Only(A)')).toBe('1');
    // qSoftLock selects through the lock.
    expect(await field.select('2', true)).toBe(true);
    expect(await app.evaluate('Only(A)')).toBe('2');
    expect(await field.unlock()).toBe(true);
    expect(await field.select('1')).toBe(true);
    expect(await app.evaluate('Only(A)')).toBe('1');
    await session.close();
  });
});
