/**
 * Reactive layouts, side by side on the same simulator and scenario: K=200 session objects
 * subscribed, then 50 selections fired in quick succession. For each contender: engine calls
 * made, time until every subscriber holds the final layout, and heap per subscription —
 * @qixflow/rx, RxQ 2 (npm `rxq`) and a plain enigma.js `on('changed') → getLayout()` loop.
 */
import { sessionObjectLayout } from '@qixflow/rx';
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { firstValueFrom, type Subscription } from 'rxjs';
import { shareReplay, startWith, switchMap } from 'rxjs/operators';
import { connectSession, qAsk } from 'rxq';
import { CreateSessionObject, GetField } from 'rxq/Doc';
import { SelectValues } from 'rxq/Field';
import { GetLayout } from 'rxq/GenericObject';
import { OpenDoc } from 'rxq/Global';
import { WebSocket } from 'ws';
import type { Row } from '../lib/measure.js';
import { startServer } from '../lib/start-server.js';

const SELECTIONS = 50;
const APP = 'rx-bench';
const SCRIPT = 'T: LOAD RecNo() as Id, Mod(RecNo(), 50) as F, Chr(65 + Mod(RecNo(), 26)) as L AUTOGENERATE 5000;';
/** Sum(Id) where F = 49: Ids 49, 99, …, 4999. */
const FINAL_BASE = 100 * 49 + 50 * ((99 * 100) / 2);

type Layout = { qHyperCube: { qGrandTotalRow: { qNum: number | string }[] } };

function props(i: number): { qInfo: { qType: string }; [key: string]: unknown } {
  return {
    qInfo: { qType: 'rx-bench' },
    qHyperCubeDef: {
      qDimensions: [{ qDef: { qFieldDefs: ['L'] } }],
      qMeasures: [{ qDef: { qDef: `Sum(Id)*${i + 1}` } }],
      qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: 26 }],
    },
  };
}

interface Contender {
  name: string;
  /** Subscribes K objects; `latest[i]` tracks the last layout; returns how to select and tear down. */
  setUp(
    k: number,
    latest: (Layout | undefined)[],
  ): Promise<{ select(value: number): Promise<unknown>; tearDown(): Promise<void> }>;
}

export async function rxSuite(scale: number): Promise<Row[]> {
  const k = Math.max(20, Math.round(200 * scale));
  const sim = await startServer({
    kind: 'simulator',
    options: { https: false, virtualProxies: [], site: { apps: [{ id: APP, name: APP, script: SCRIPT }] } },
  });
  const engineUrl = sim.engineUrl ?? '';
  const stats = async (): Promise<number> => {
    const res = await fetch(`${sim.url}/__sim/stats`, { headers: { 'x-sim-control-token': sim.controlToken ?? '' } });
    return ((await res.json()) as { engine: { requests: number } }).engine.requests;
  };
  const enigmaDoc = async (identity: string) => {
    const session = enigma.create({
      schema,
      url: `${engineUrl}/app/${APP}/identity/${identity}`,
      createSocket: (url: string) => new WebSocket(url) as unknown as globalThis.WebSocket,
    });
    const global = (await session.open()) as unknown as { openDoc(id: string): Promise<EnigmaDoc> };
    return { session, doc: await global.openDoc(APP) };
  };
  const contenders: Contender[] = [
    {
      name: 'plain enigma.js changed→getLayout',
      async setUp(count, latest) {
        const { session, doc } = await enigmaDoc('enigma');
        for (let i = 0; i < count; i++) {
          const obj = await doc.createSessionObject(props(i));
          const refresh = (): void => {
            void obj.getLayout().then((layout) => {
              latest[i] = layout;
            });
          };
          obj.on('changed', refresh);
          refresh();
        }
        const field = await doc.getField('F');
        return {
          select: (value) => field.selectValues([{ qNumber: value, qIsNumeric: true }]),
          tearDown: () => session.close(),
        };
      },
    },
    {
      name: '@qixflow/rx',
      async setUp(count, latest) {
        const { session, doc } = await enigmaDoc('qixflow-rx');
        const subscriptions: Subscription[] = [];
        for (let i = 0; i < count; i++) {
          subscriptions.push(
            sessionObjectLayout(doc as never, props(i)).subscribe((layout) => {
              latest[i] = layout as unknown as Layout;
            }),
          );
        }
        const field = await doc.getField('F');
        return {
          select: (value) => field.selectValues([{ qNumber: value, qIsNumeric: true }]),
          tearDown: async () => {
            for (const s of subscriptions) s.unsubscribe();
            await session.close();
          },
        };
      },
    },
    {
      name: 'RxQ 2',
      async setUp(count, latest) {
        const url = new URL(engineUrl);
        const session = connectSession({
          host: url.hostname,
          port: Number(url.port),
          isSecure: false,
          appname: APP,
          identity: 'rxq',
        });
        const app$ = session.global$.pipe(qAsk(OpenDoc, APP), shareReplay(1));
        const subscriptions: Subscription[] = [];
        for (let i = 0; i < count; i++) {
          const obj$ = app$.pipe(qAsk(CreateSessionObject, props(i)), shareReplay(1));
          subscriptions.push(
            obj$
              .pipe(
                switchMap((handle) => {
                  const h = handle as RxqHandle;
                  return h.invalidated$.pipe(
                    startWith(h),
                    switchMap(() => h.ask(GetLayout)),
                  );
                }),
              )
              .subscribe((layout) => {
                latest[i] = layout as Layout;
              }),
          );
        }
        const app = (await firstValueFrom(app$)) as RxqHandle;
        const field = (await firstValueFrom(app.ask(GetField, 'F'))) as RxqHandle;
        return {
          select: (value) => firstValueFrom(field.ask(SelectValues, [{ qNumber: value, qIsNumeric: true }])),
          tearDown: async () => {
            for (const s of subscriptions) s.unsubscribe();
            session.close();
          },
        };
      },
    },
  ];

  const rows: Row[] = [];
  try {
    for (const contender of contenders) {
      const latest: (Layout | undefined)[] = new Array(k).fill(undefined);
      (globalThis as { gc?: () => void }).gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const setUpStart = performance.now();
      const run = await contender.setUp(k, latest);
      await until(() => latest.every((l) => l !== undefined), 60_000);
      const heapPer = (process.memoryUsage().heapUsed - heapBefore) / k;
      const setUpMs = performance.now() - setUpStart;
      const requestsBefore = await stats();
      const start = performance.now();
      const sent: Promise<unknown>[] = [];
      for (let s = 0; s < SELECTIONS; s++) sent.push(run.select(s));
      await Promise.all(sent);
      await until(
        () => latest.every((l, i) => Number(l?.qHyperCube.qGrandTotalRow[0]?.qNum) === FINAL_BASE * (i + 1)),
        120_000,
      );
      const ms = performance.now() - start;
      const calls = (await stats()) - requestsBefore - 1;
      rows.push({
        scenario: `${k} objects, ${SELECTIONS} quick selections`,
        subject: contender.name,
        rate: {
          ops: SELECTIONS,
          seconds: ms / 1000,
          perSecond: SELECTIONS / (ms / 1000),
          p50Ms: ms,
          p99Ms: Number.NaN,
        },
        ...(contender.name === 'plain enigma.js changed→getLayout'
          ? {}
          : { baseline: 'plain enigma.js changed→getLayout' }),
        extra: `${calls} engine calls; ${(heapPer / 1024).toFixed(1)} KiB heap/subscription; set-up ${setUpMs.toFixed(0)} ms`,
      });
      await run.tearDown();
    }
  } finally {
    await sim.stop();
  }
  return rows;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('the final layouts did not arrive in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface EnigmaObject {
  getLayout(): Promise<Layout>;
  on(event: 'changed', listener: () => void): void;
}
interface EnigmaDoc {
  createSessionObject(props: Record<string, unknown>): Promise<EnigmaObject>;
  getField(name: string): Promise<{ selectValues(values: unknown[]): Promise<boolean> }>;
}
interface RxqHandle {
  ask(method: unknown, ...args: unknown[]): import('rxjs').Observable<unknown>;
  invalidated$: import('rxjs').Observable<unknown>;
}
