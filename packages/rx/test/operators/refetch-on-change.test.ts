import type { Simulator } from '@qixflow/sense-sim';
import { describe, expect, it } from 'vitest';
import { type GenericObjectLayout, layout, refetchOnChange, sessionObject } from '../../src/index.js';
import { eventually, first$, openApp, type Qix, settle, useSimulator } from '../helpers.js';

let sim: Simulator;
useSimulator((started) => {
  sim = started;
});

interface Counter extends GenericObjectLayout {
  n: number;
}

const props = (n: number, tag: string) => ({ qInfo: { qId: `counter-${tag}`, qType: 'counter' }, n });

describe('refetchOnChange on the wire', () => {
  it('cancels a superseded GetLayout on the engine and fetches exactly once more after a burst', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const obj = (await doc.createSessionObject(props(0, 'burst'))) as Qix;
    const seen: number[] = [];
    const sub = refetchOnChange(obj, (o) => o.getLayout() as Promise<Counter>, { method: 'GetLayout' }).subscribe((l) =>
      seen.push(l.n),
    );
    await eventually(() => seen.length === 1);
    traffic.clear();

    // The next GetLayout stays running on the engine (cancellable) for a while.
    sim.control.delayResponses({ method: 'GetLayout', ms: 1500, count: 1 });
    await obj.setProperties(props(1, 'burst'));
    await eventually(() => traffic.count('GetLayout') === 1, 2000, 'first refetch sent');
    const superseded = traffic.requests('GetLayout')[0]!;

    // A burst of invalidations while it is in flight.
    await Promise.all([2, 3, 4, 5, 6].map((n) => obj.setProperties(props(n, 'burst'))));
    await eventually(() => seen.at(-1) === 6, 3000, 'layout after the burst');
    await settle(50);

    expect(traffic.count('GetLayout')).toBe(2);
    const cancels = traffic.requests('CancelRequest');
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.params).toEqual([superseded.id]);
    // the engine answered the superseded request with "aborted", long before its 1.5 s delay
    const answer = traffic.received.find((f) => f.id === superseded.id);
    expect(answer?.error?.code).toBe(15);
    // one emission for the burst; the superseded result never reached the subscriber
    expect(seen).toEqual([0, 6]);
    sub.unsubscribe();
    await close();
  });

  it('answers a burst delivered while idle with one completed GetLayout', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const obj = (await doc.createSessionObject(props(0, 'idle'))) as Qix;
    const seen: number[] = [];
    const sub = refetchOnChange(obj, (o) => o.getLayout() as Promise<Counter>).subscribe((l) => seen.push(l.n));
    await eventually(() => seen.length === 1);
    traffic.clear();

    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => obj.setProperties(props(n, 'idle'))));
    await eventually(() => seen.at(-1) === 8, 3000);
    await settle(50);

    // Changes that arrive in one tick count once; any that arrive after the refetch was sent
    // supersede it: it is cancelled on the engine and exactly one more follows.
    const layouts = traffic.requests('GetLayout');
    const answered = layouts.filter((req) => traffic.received.some((f) => f.id === req.id && f.result));
    expect(layouts.length).toBeLessThanOrEqual(2);
    expect(traffic.count('CancelRequest')).toBe(layouts.length - 1);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual([0, 8]);
    sub.unsubscribe();
    await close();
  });

  it('cancels the in-flight request on the engine when the last subscriber leaves', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const obj = (await doc.createSessionObject(props(0, 'leave'))) as Qix;
    sim.control.delayResponses({ method: 'GetLayout', ms: 2000, count: 1 });
    const sub = refetchOnChange(obj, (o) => o.getLayout()).subscribe();
    await eventually(() => traffic.count('GetLayout') === 1);
    const request = traffic.requests('GetLayout')[0]!;
    sub.unsubscribe();
    await eventually(() => traffic.received.some((f) => f.id === request.id), 1000, 'aborted answer');
    expect(traffic.requests('CancelRequest').map((f) => f.params)).toEqual([[request.id]]);
    expect(traffic.received.find((f) => f.id === request.id)?.error?.code).toBe(15);
    expect(sim.stats().engine.runningRequests).toBe(0);
    await close();
  });

  it('never cancels when told not to (global: false), and drops the superseded result', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const obj = (await doc.createSessionObject(props(0, 'nocancel'))) as Qix;
    const seen: number[] = [];
    const sub = refetchOnChange(obj, (o) => o.getLayout() as Promise<Counter>, { global: false }).subscribe((l) =>
      seen.push(l.n),
    );
    await eventually(() => seen.length === 1);
    sim.control.delayResponses({ method: 'GetLayout', ms: 800, count: 1 });
    await obj.setProperties(props(1, 'nocancel'));
    await eventually(() => traffic.count('GetLayout') === 2);
    await obj.setProperties(props(2, 'nocancel'));
    await eventually(() => seen.at(-1) === 2, 3000);
    expect(traffic.count('CancelRequest')).toBe(0);
    expect(seen).toEqual([0, 2]);
    sub.unsubscribe();
    await close();
  });

  it('retries a GetLayout the engine aborted on its own', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const obj = (await doc.createSessionObject(props(5, 'aborted'))) as Qix;
    sim.control.delayResponses({ method: 'GetLayout', ms: 1000, count: 1 });
    const layout$ = refetchOnChange(obj, (o) => o.getLayout() as Promise<Counter>);
    const value = first$(layout$);
    await eventually(() => traffic.count('GetLayout') === 1);
    await eventually(() => sim.stats().engine.runningRequests === 1, 2000, 'GetLayout running on the engine');
    expect(sim.control.abortRequests({ method: 'GetLayout' })).toBe(1);
    expect((await value).n).toBe(5);
    expect(traffic.count('GetLayout')).toBe(2);
    await close();
  });

  it('shares the fetch loop of a handle between layout() subscribers', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const obj$ = sessionObject(doc, props(3, 'shared'));
    const subs = [1, 2, 3, 4].map(() => layout(obj$).subscribe());
    await eventually(() => traffic.count('GetLayout') === 1);
    await settle(30);
    expect(traffic.count('CreateSessionObject')).toBe(1);
    expect(traffic.count('GetLayout')).toBe(1);
    for (const s of subs) s.unsubscribe();
    await eventually(() => traffic.count('DestroySessionObject') === 1);
    await close();
  });
});
