import type { Simulator } from '@qixflow/sense-sim';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appLayout,
  type GenericObjectLayout,
  selectAndWait,
  sessionObject,
  sessionObjectLayout,
  streamHyperCube,
} from '../../src/index.js';
import { eventually, FINANCE, openApp, startSimulator } from '../helpers.js';

// What selectAndWait guarantees does not depend on selections: any engine action whose answer
// invalidates live streams. These run without the data engine.
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

interface Counter extends GenericObjectLayout {
  n: number;
}

describe('selectAndWait (the settle guarantee)', () => {
  it('emits only after the streams the action invalidated have refetched', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const props = { qInfo: { qId: 'settle-probe', qType: 'counter' }, n: 1 };
    const seen: Counter[] = [];
    const sub = sessionObjectLayout(doc, props).subscribe((l) => seen.push(l));
    await eventually(() => seen.length === 1);
    sim.control.delayResponses({ method: 'GetLayout', ms: 150, count: 1 }); // a slow refetch
    const answer = await firstValueFrom(
      selectAndWait(sessionObject(doc, props), (obj) => obj.setProperties({ ...props, n: 2 })),
    );
    expect(answer).toEqual({});
    expect(seen.map((l) => l.n)).toEqual([1, 2]); // already there when selectAndWait emitted
    expect(traffic.count('DestroySessionObject')).toBe(0); // the object stayed alive meanwhile
    sub.unsubscribe();
    await close();
  });

  it('works on the Doc as target', async () => {
    const { doc, close } = await openApp(sim, { app: FINANCE });
    const titles: string[] = [];
    const sub = appLayout(doc).subscribe((l) => titles.push(l.qTitle ?? ''));
    await eventually(() => titles.length === 1);
    const props = await doc.getAppProperties();
    await firstValueFrom(selectAndWait(doc, (d) => d.setAppProperties({ ...props, qTitle: 'Finance 2' })));
    expect(titles.at(-1)).toBe('Finance 2');
    await firstValueFrom(selectAndWait(doc, (d) => d.setAppProperties({ ...props, qTitle: 'Finance' })));
    expect(titles.at(-1)).toBe('Finance');
    sub.unsubscribe();
    await close();
  });

  it('passes the action’s failure on as an RxQixError', async () => {
    const { doc, close } = await openApp(sim);
    sim.control.failNext('SetAppProperties', { code: 5, message: 'Access denied' });
    await expect(firstValueFrom(selectAndWait(doc, (d) => d.setAppProperties({ qTitle: 'x' })))).rejects.toMatchObject({
      code: 'ERR_ENGINE',
      engineCode: 5,
      engineName: 'LOCERR_GENERIC_ACCESS_DENIED',
    });
    await close();
  });
});

describe('one-shot operations keep their target alive', () => {
  it('streamHyperCube over a session object stream destroys it only after the last page', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const table$ = sessionObject(doc, {
      qInfo: { qType: 'paged-table' },
      qHyperCubeDef: { qDimensions: [{ qDef: { qFieldDefs: ['Region'] } }] },
    });
    const pages = await firstValueFrom(streamHyperCube(table$, { size: { qcx: 1, qcy: 30_000 } }).pipe(toArray()));
    expect(pages).toHaveLength(3);
    await eventually(() => traffic.count('DestroySessionObject') === 1);
    const methods = traffic.sent.map((f) => f.method);
    expect(methods.lastIndexOf('GetHyperCubeData')).toBeLessThan(methods.indexOf('DestroySessionObject'));
    await close();
  });
});
