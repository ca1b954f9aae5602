import { createSite, type Site } from '@qixflow/core';
import { type GenericObjectLayout, objectLayout, objectList, type SessionState, sessionState } from '@qixflow/rx';
import { createSimulator, type Simulator } from '@qixflow/sense-sim';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, KPI, SALES, SHEET_OVERVIEW } from '../../packages/rx/test/helpers.js';

// rx over a Doc from @qixflow/core: JWT through the simulator's virtual proxy, the proxy's
// session cookie on the websocket, core's automatic resume after a socket drop.
let sim: Simulator;
let site: Site;
beforeAll(async () => {
  sim = await createSimulator({ site: 'demo' });
  site = createSite({
    host: sim.url,
    prefix: 'jwt',
    auth: { kind: 'jwt', privateKey: sim.keys.privateKey, userId: 'rx-tester', userDirectory: 'CORP' },
    tls: { ca: sim.ca ?? '' },
    origin: sim.url.replace('127.0.0.1', 'localhost'),
    reconnect: { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 200 },
  });
});
afterAll(async () => {
  await site.close();
  await sim.close();
});

describe('over an @qixflow/core session', () => {
  it('streams layouts of the Doc that createSite → openApp → open() gives', async () => {
    const app = site.openApp(SALES);
    const doc = await app.open();
    const [sheets, kpi] = await Promise.all([
      firstValueFrom(objectList(doc, 'sheet')),
      firstValueFrom(objectLayout(doc, KPI)),
    ]);
    expect(sheets.map((s) => s.qInfo.qId)).toContain(SHEET_OVERVIEW);
    expect(kpi.qInfo?.qId).toBe(KPI);
    await app.close();
  });

  it('turns core-wrapped engine errors into RxQixError with the engine code', async () => {
    const app = site.openApp(SALES);
    const doc = await app.open();
    sim.control.failNext('GetLayout', { code: 2, message: 'Resource not found' });
    await expect(firstValueFrom(objectLayout(doc, KPI))).rejects.toMatchObject({
      name: 'RxQixError',
      code: 'ERR_ENGINE',
      engineCode: 2,
      engineName: 'LOCERR_GENERIC_NOT_FOUND',
      method: 'GetLayout',
    });
    sim.control.reset();
    await app.close();
  });

  it('waits through core’s automatic reconnect and catches up with a change made meanwhile', async () => {
    const app = site.openApp(SALES, { identity: 'rx-core-resume', ttl: 30 });
    const doc = await app.open();
    const states: SessionState[] = [];
    const sheets: GenericObjectLayout[] = [];
    const subs = [
      sessionState(doc).subscribe((s) => states.push(s)),
      objectLayout(doc, SHEET_OVERVIEW).subscribe((l) => sheets.push(l)),
    ];
    await eventually(() => sheets.length === 1);
    const resumed = new Promise<void>((resolve) => app.once('resumed', () => resolve()));

    sim.control.dropSockets();
    const other = await site.openApp(SALES, { identity: 'rx-core-other' }).open();
    const sheet = await other.getObject(SHEET_OVERVIEW);
    const props = await sheet.getProperties();
    await sheet.setProperties({ ...props, qMetaDef: { ...props.qMetaDef, title: 'Changed while away' } });

    await resumed;
    await eventually(() => sheets.at(-1)?.qMeta?.title === 'Changed while away', 5000, 'caught up');
    expect(states).toEqual(['connected', 'suspended', 'resumed']);
    await sheet.setProperties(props);
    for (const s of subs) s.unsubscribe();
    await app.close();
  });
});
