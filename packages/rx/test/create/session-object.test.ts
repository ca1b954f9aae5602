import type { Simulator } from '@qixflow/sense-sim';
import { firstValueFrom, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type GenericObjectLayout,
  genericObject,
  objectLayout,
  sessionObject,
  sessionObjectLayout,
} from '../../src/index.js';
import { activityOf } from '../../src/internal/activity.js';
import { sharedCount } from '../../src/internal/share-by-key.js';
import {
  eventually,
  KPI,
  listenerCount,
  type OpenedApp,
  openApp,
  type Qix,
  SHEET_OVERVIEW,
  settle,
  useSimulator,
} from '../helpers.js';

let sim: Simulator;
useSimulator((started) => {
  sim = started;
});

/** Session objects of a type still alive in the engine session. */
async function sessionObjectsOf(doc: Qix, type: string): Promise<number> {
  const list = (await doc.getObjects({ qTypes: [type], qIncludeSessionObjects: true, qData: {} })) as unknown[];
  return list.length;
}

/** Listener counts rx could leak: on the Doc and on the session. */
function listeners(app: OpenedApp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const event of ['changed', 'closed']) out[`doc:${event}`] = listenerCount(app.doc, event);
  for (const event of ['suspended', 'resumed', 'closed', 'opened', 'notification:*']) {
    out[`session:${event}`] = listenerCount(app.session, event);
  }
  return out;
}

describe('sessionObject / sessionObjectLayout', () => {
  it('creates the object on first subscribe, shares it, and destroys it when the last subscriber leaves', async () => {
    const app = await openApp(sim);
    const { doc, traffic } = app;
    const baseline = sim.stats().engine.handles;
    const props = { qInfo: { qType: 'probe' }, label: { qStringExpression: "='a' & 'b'" } };
    const values: GenericObjectLayout[] = [];
    const a = sessionObjectLayout(doc, props).subscribe((l) => values.push(l));
    // same properties, other key order: the same object
    const b = sessionObjectLayout(doc, {
      label: { qStringExpression: "='a' & 'b'" },
      qInfo: { qType: 'probe' },
    }).subscribe((l) => values.push(l));
    await eventually(() => values.length === 2);
    expect(values[0]!.label).toBe('ab');
    expect(traffic.count('CreateSessionObject')).toBe(1);
    expect(traffic.count('GetLayout')).toBe(1);
    expect(sim.stats().engine.handles).toBe(baseline + 1);
    expect(await sessionObjectsOf(doc, 'probe')).toBe(1);

    a.unsubscribe();
    await settle();
    expect(traffic.count('DestroySessionObject')).toBe(0);
    b.unsubscribe();
    await eventually(() => sim.stats().engine.handles === baseline, 2000, 'handle released');
    expect(traffic.count('DestroySessionObject')).toBe(1);
    expect(await sessionObjectsOf(doc, 'probe')).toBe(0);
    await app.close();
  });

  it('destroys an object whose creation was still in flight when the subscriber left', async () => {
    const app = await openApp(sim);
    const { doc, traffic } = app;
    const baseline = sim.stats().engine.handles;
    sim.control.delayResponses({ method: 'CreateSessionObject', ms: 500, count: 1 });
    const sub = sessionObject(doc, { qInfo: { qType: 'slow-probe' } }).subscribe();
    await eventually(() => traffic.count('CreateSessionObject') === 1);
    sub.unsubscribe();
    await eventually(() => traffic.count('DestroySessionObject') === 1, 2000, 'destroy after creation');
    await eventually(() => sim.stats().engine.handles === baseline);
    expect(await sessionObjectsOf(doc, 'slow-probe')).toBe(0);
    await app.close();
  });

  it('leaks no handle, session object, listener or registry entry after 10 000 subscribe/unsubscribe cycles', async () => {
    const app = await openApp(sim);
    const { doc } = app;
    // Warm up, then take the baseline: rx's per-session tracker is installed on first use, and
    // an object looked up by id keeps its (one) handle — the engine has no way to release it.
    await firstValueFrom(objectLayout(doc, SHEET_OVERVIEW));
    await firstValueFrom(objectLayout(doc, KPI));
    await settle();
    const kpi = await doc.getObject(KPI);
    const baseline = {
      handles: sim.stats().engine.handles,
      listeners: listeners(app),
      kpi: { changed: listenerCount(kpi, 'changed'), closed: listenerCount(kpi, 'closed') },
    };

    // 1) 4 000 synchronous cycles: unsubscribed before anything was answered.
    for (let i = 0; i < 2000; i++) {
      sessionObjectLayout(doc, { qInfo: { qType: 'cycle' }, i })
        .subscribe()
        .unsubscribe();
      objectLayout(doc, KPI).subscribe().unsubscribe();
    }
    // 2) 6 000 cycles that wait for the first layout: 60 rounds of 100 concurrent subscribers,
    //    each with its own session object, plus 100 subscribers sharing one object by id.
    for (let round = 0; round < 30; round++) {
      const subs: Subscription[] = [];
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        const layout$ = sessionObjectLayout(doc, { qInfo: { qType: 'cycle' }, round, i });
        pending.push(firstValueFrom(layout$));
        subs.push(layout$.subscribe());
        const byId$ = objectLayout(doc, SHEET_OVERVIEW);
        pending.push(firstValueFrom(byId$));
        subs.push(byId$.subscribe());
      }
      await Promise.all(pending);
      for (const s of subs) s.unsubscribe();
    }

    await eventually(() => sim.stats().engine.handles === baseline.handles, 10_000, 'handles back to baseline');
    await eventually(async () => (await sessionObjectsOf(doc, 'cycle')) === 0, 5000, 'session objects destroyed');
    expect(sim.stats().engine.runningRequests).toBe(0);
    expect(listeners(app)).toEqual(baseline.listeners);
    expect(sharedCount(doc)).toBe(0);
    expect(activityOf(doc).busy).toBe(0);
    // (enigma.js itself keeps one `closed` listener per API object, for its cache)
    expect({ changed: listenerCount(kpi, 'changed'), closed: listenerCount(kpi, 'closed') }).toEqual(baseline.kpi);
    expect(baseline.kpi).toEqual({ changed: 0, closed: 1 });
    await app.close();
  }, 60_000);

  it('keeps the handle of an object by id open (it is not rx’s) but removes every listener', async () => {
    const app = await openApp(sim);
    const obj = await app.doc.getObject(KPI);
    const before = listenerCount(obj, 'closed'); // enigma.js's own
    const sub = genericObject(app.doc, KPI).subscribe();
    await eventually(() => listenerCount(obj, 'closed') === before + 1);
    sub.unsubscribe();
    expect(listenerCount(obj, 'closed')).toBe(before);
    expect(app.traffic.count('DestroyObject')).toBe(0);
    await app.close();
  });

  it('rejects properties without qInfo.qType', async () => {
    const app = await openApp(sim);
    expect(() => sessionObject(app.doc, { qInfo: {} } as never)).toThrow(/qInfo\.qType/);
    expect(() => sessionObjectLayout(app.doc, null as never)).toThrow(TypeError);
    await app.close();
  });
});
