import type { Simulator } from '@qixflow/sense-sim';
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sessionObjectLayout, useEnigmaMethods } from '../../src/index.js';
import { eventually, openApp, type Qix, SALES, settle, useSimulator } from '../helpers.js';

let sim: Simulator;
useSimulator((started) => {
  sim = started;
});

/** A KPI session object whose layout carries `n` (its `qStateName`-free custom property). */
const kpi = (n: number) => ({ qInfo: { qId: 'direct-kpi', qType: 'kpi' }, n, fixed: { deep: [1, 2, 3] } });
type Kpi = ReturnType<typeof kpi>;

/** A plain enigma.js session on the simulator with extra enigma.js configuration (mixins, interceptors). */
async function openWith(
  config: Record<string, unknown>,
): Promise<{ session: EnigmaJS.Session; doc: Qix; sent: Record<string, unknown>[] }> {
  const session = enigma.create({
    schema,
    url: `${sim.engineUrl}/app/${SALES}/identity/direct-${Math.random().toString(36).slice(2)}`,
    createSocket: (u: string) => new WebSocket(u) as unknown as globalThis.WebSocket,
    ...config,
  });
  const sent: Record<string, unknown>[] = [];
  session.on('traffic:sent', (frame: Record<string, unknown>) => sent.push(frame));
  const global = (await session.open()) as Qix;
  return { session, doc: (await global.openDoc(SALES)) as Qix, sent };
}

describe("rx's direct fetch of live layouts", () => {
  it('sends GetLayout through the session with delta: false, the interceptors included, and freezes the answer in place', async () => {
    const answers: unknown[] = [];
    const { session, doc, sent } = await openWith({
      responseInterceptors: [
        {
          onFulfilled: (_session: unknown, request: { method: string }, result: unknown) => {
            if (request.method === 'GetLayout') answers.push(result);
            return result;
          },
        },
      ],
    });
    const seen: Kpi[] = [];
    const sub = sessionObjectLayout(doc, kpi(1)).subscribe((l) => seen.push(l as unknown as Kpi));
    await eventually(() => seen.length === 1);
    const layouts = sent.filter((f) => f.method === 'GetLayout');
    expect(layouts).toHaveLength(1);
    expect(layouts[0]!.delta).toBe(false);
    // The interceptor saw `{ qLayout }`, and the subscriber got that very object, frozen: no copy.
    expect(answers).toHaveLength(1);
    expect(seen[0]).toBe((answers[0] as { qLayout: unknown }).qLayout);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(Object.isFrozen(seen[0]!.fixed.deep)).toBe(true);
    expect(seen[0]!.n).toBe(1);

    // A change: the next answer keeps the unchanged subtrees of the first (structural sharing).
    const obj = (await doc.getObject('direct-kpi')) as Qix;
    await obj.setProperties(kpi(2));
    await eventually(() => seen.length === 2);
    expect(seen[1]!.n).toBe(2);
    expect(seen[1]!.fixed).toBe(seen[0]!.fixed);
    expect(sent.filter((f) => f.method === 'GetLayout').every((f) => f.delta === false)).toBe(true);
    sub.unsubscribe();
    await session.close();
  });

  it('cancels a superseded direct GetLayout on the engine by its request id', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const seen: number[] = [];
    const sub = sessionObjectLayout(doc, kpi(0)).subscribe((l) => seen.push((l as unknown as Kpi).n));
    await eventually(() => seen.length === 1);
    const obj = (await doc.getObject('direct-kpi')) as Qix;
    traffic.clear();
    sim.control.delayResponses({ method: 'GetLayout', ms: 1500, count: 1 });
    await obj.setProperties(kpi(1));
    await eventually(() => traffic.count('GetLayout') === 1, 2000, 'refetch sent');
    const superseded = traffic.requests('GetLayout')[0]!;
    await obj.setProperties(kpi(2));
    await eventually(() => seen.at(-1) === 2, 3000, 'layout after the change');
    await settle(50);
    expect(traffic.requests('CancelRequest').map((f) => f.params)).toEqual([[superseded.id]]);
    expect(traffic.received.find((f) => f.id === superseded.id)?.error?.code).toBe(15);
    expect(seen).toEqual([0, 2]);
    sub.unsubscribe();
    await close();
  });

  it('calls getLayout() when a mixin overrides it, and after useEnigmaMethods(session)', async () => {
    const mixin = {
      types: ['GenericObject'],
      override: {
        getLayout(base: () => Promise<Record<string, unknown>>) {
          return base().then((layout) => ({ ...layout, viaMixin: true }));
        },
      },
    };
    const mixed = await openWith({ mixins: [mixin] });
    const [withMixin] = await Promise.all([
      new Promise<Record<string, unknown>>((resolve) => {
        const sub = sessionObjectLayout(mixed.doc, kpi(3)).subscribe((l) => {
          resolve(l as unknown as Record<string, unknown>);
          queueMicrotask(() => sub.unsubscribe());
        });
      }),
    ]);
    expect(withMixin?.viaMixin).toBe(true);
    expect(mixed.sent.find((f) => f.method === 'GetLayout')?.delta).toBe(true);
    await mixed.session.close();

    const plain = await openWith({});
    useEnigmaMethods(plain.session as never);
    const seen: Kpi[] = [];
    const sub = sessionObjectLayout(plain.doc, kpi(4)).subscribe((l) => seen.push(l as unknown as Kpi));
    await eventually(() => seen.length === 1);
    expect(seen[0]!.n).toBe(4);
    expect(Object.isFrozen(seen[0]!.fixed)).toBe(true);
    expect(plain.sent.filter((f) => f.method === 'GetLayout').map((f) => f.delta)).toEqual([true]);
    expect(() => useEnigmaMethods(null as never)).toThrow(TypeError);
    sub.unsubscribe();
    await plain.session.close();
  });
});
