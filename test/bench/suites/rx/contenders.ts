/**
 * The contenders of the reactive-layout suite behind one interface, so that every scenario drives
 * them with the same code: subscribe a subscriber to an object (a session object made from
 * properties, or a persistent object by id), select a field value, close. Each contender opens its
 * own engine session (a fresh `/identity`: its own selection state) per run.
 */
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { firstValueFrom, type Observable, ReplaySubject, type Subscription, share } from 'rxjs';
import { finalize, shareReplay, startWith, switchMap } from 'rxjs/operators';
import { connectSession, qAsk } from 'rxq';
import { CreateSessionObject, DestroySessionObject, GetField, GetObject } from 'rxq/Doc';
import { SelectValues } from 'rxq/Field';
import { GetLayout } from 'rxq/GenericObject';
import { OpenDoc } from 'rxq/Global';
import { WebSocket } from 'ws';

/** The part of a layout the scenarios read: the grand total of the cube's one measure. */
export interface BenchLayout {
  qHyperCube: { qGrandTotalRow: { qNum: number | string }[] };
}

/** What a subscriber subscribes to. */
export type Target =
  | { kind: 'session'; key: string; props: Record<string, unknown> & { qInfo: { qId: string; qType: string } } }
  | { kind: 'object'; key: string; id: string };

/** One engine session of a contender, with an app open. */
export interface ClientSession {
  /** Subscribes one subscriber; `onLayout` gets every layout delivered to it. Returns its teardown. */
  subscribe(target: Target, onLayout: (layout: BenchLayout) => void): () => void;
  /** `Field.SelectValues` of one numeric value (replacing the selection). */
  select(field: string, values: readonly number[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface Contender {
  readonly name: string;
  open(engineUrl: string, app: string, identity: string): Promise<ClientSession>;
}

interface EnigmaObject {
  id: string;
  getLayout(): Promise<BenchLayout>;
  on(event: 'changed', listener: () => void): void;
  removeListener(event: 'changed', listener: () => void): void;
}
interface EnigmaDoc {
  createSessionObject(props: Record<string, unknown>): Promise<EnigmaObject>;
  destroySessionObject(id: string): Promise<boolean>;
  getObject(id: string): Promise<EnigmaObject>;
  getField(name: string): Promise<{ selectValues(values: unknown[]): Promise<boolean> }>;
}

/** A plain enigma.js session (enigma.js defaults: delta on), as rx and the plain loop both get it. */
async function openEnigma(
  engineUrl: string,
  app: string,
  identity: string,
): Promise<{ session: EnigmaJS.Session; doc: EnigmaDoc }> {
  const session = enigma.create({
    schema,
    url: `${engineUrl}/app/${app}/identity/${identity}`,
    createSocket: (url: string) => new WebSocket(url) as unknown as globalThis.WebSocket,
  });
  const global = (await session.open()) as unknown as { openDoc(id: string): Promise<EnigmaDoc> };
  return { session, doc: await global.openDoc(app) };
}

function fieldSelector(doc: EnigmaDoc): (field: string, values: readonly number[]) => Promise<unknown> {
  const fields = new Map<string, ReturnType<EnigmaDoc['getField']>>();
  return async (name, values) => {
    let field = fields.get(name);
    if (!field) {
      field = doc.getField(name);
      fields.set(name, field);
    }
    return (await field).selectValues(values.map((v) => ({ qNumber: v, qIsNumeric: true })));
  };
}

/** The part of `@qixflow/rx` the contender uses (the bench passes the compiled package). */
export type RxModule = Pick<typeof import('@qixflow/rx'), 'objectLayout' | 'sessionObjectLayout'>;

/** `@qixflow/rx` on a plain enigma.js session: `sessionObjectLayout` / `objectLayout`. */
export const rxContender = (rx: RxModule): Contender => ({
  name: '@qixflow/rx',
  async open(engineUrl, app, identity) {
    const { objectLayout, sessionObjectLayout } = rx;
    const { session, doc } = await openEnigma(engineUrl, app, identity);
    return {
      subscribe(target, onLayout) {
        const layout$ =
          target.kind === 'session'
            ? sessionObjectLayout(doc as never, target.props)
            : objectLayout(doc as never, target.id);
        const subscription = layout$.subscribe((layout) => onLayout(layout as unknown as BenchLayout));
        return () => subscription.unsubscribe();
      },
      select: fieldSelector(doc),
      close: async () => {
        await session.close();
      },
    };
  },
});

/**
 * The loop people write with plain enigma.js: acquire the object, `on('changed', refetch)`,
 * `getLayout()`, hand over whatever resolves. `shared`: one handle, one listener and one fetch per
 * object, fanned out to its subscribers (a registry by key, refcounted, torn down — listener
 * removed, session object destroyed — when its last subscriber leaves). Unshared: every
 * subscriber acquires, listens and fetches on its own.
 */
export function plainContender(shared: boolean): Contender {
  return {
    name: shared ? 'plain enigma.js loop' : 'plain enigma.js loop, unshared',
    async open(engineUrl, app, identity) {
      const { session, doc } = await openEnigma(engineUrl, app, identity);
      interface Entry {
        subscribers: Set<(layout: BenchLayout) => void>;
        latest: BenchLayout | undefined;
        teardown: () => void;
      }
      const registry = new Map<string, Entry>();
      const live = (target: Target, deliver: (layout: BenchLayout) => void): (() => void) => {
        let obj: EnigmaObject | undefined;
        let closed = false;
        const refresh = (): void => {
          obj?.getLayout().then(
            (layout) => {
              if (!closed) deliver(layout);
            },
            () => undefined,
          );
        };
        const acquired = target.kind === 'session' ? doc.createSessionObject(target.props) : doc.getObject(target.id);
        acquired.then(
          (o) => {
            if (closed) {
              if (target.kind === 'session') void doc.destroySessionObject(o.id).catch(() => undefined);
              return;
            }
            obj = o;
            o.on('changed', refresh);
            refresh();
          },
          () => undefined,
        );
        return () => {
          closed = true;
          if (!obj) return;
          obj.removeListener('changed', refresh);
          if (target.kind === 'session') void doc.destroySessionObject(obj.id).catch(() => undefined);
        };
      };
      return {
        subscribe(target, onLayout) {
          if (!shared) return live(target, onLayout);
          let entry = registry.get(target.key);
          if (!entry) {
            const created: Entry = { subscribers: new Set(), latest: undefined, teardown: () => undefined };
            created.teardown = live(target, (layout) => {
              created.latest = layout;
              for (const s of created.subscribers) s(layout);
            });
            registry.set(target.key, created);
            entry = created;
          }
          const current = entry;
          current.subscribers.add(onLayout);
          if (current.latest) onLayout(current.latest);
          return () => {
            current.subscribers.delete(onLayout);
            if (current.subscribers.size === 0 && registry.get(target.key) === current) {
              registry.delete(target.key);
              current.teardown();
            }
          };
        },
        select: fieldSelector(doc),
        close: async () => {
          await session.close();
        },
      };
    },
  };
}

interface RxqHandle {
  ask(method: string, ...args: unknown[]): Observable<unknown>;
  invalidated$: Observable<unknown>;
}

/**
 * RxQ 2 (npm `rxq`) as its README composes it: `qAsk(CreateSessionObject | GetObject)`, then
 * `invalidated$.pipe(startWith(h), switchMap(() => h.ask(GetLayout)))`; shared per object with
 * `share` (replay 1, refcounted) as an app would, session objects destroyed on teardown (RxQ
 * itself never destroys them). RxQ speaks JSON-RPC itself (no enigma.js; delta off by default).
 */
export const rxqContender: Contender = {
  name: 'RxQ 2',
  async open(engineUrl, app, identity) {
    const url = new URL(engineUrl);
    const session = connectSession({
      host: url.hostname,
      port: Number(url.port),
      isSecure: false,
      appname: app,
      identity,
    });
    const app$ = session.global$.pipe(qAsk(OpenDoc, app), shareReplay(1));
    const doc = (await firstValueFrom(app$)) as RxqHandle;
    const fields = new Map<string, Promise<RxqHandle>>();
    const fieldOf = (name: string): Promise<RxqHandle> => {
      let field = fields.get(name);
      if (!field) {
        field = firstValueFrom(doc.ask(GetField, name)) as Promise<RxqHandle>;
        fields.set(name, field);
      }
      return field;
    };
    const registry = new Map<string, Observable<BenchLayout>>();
    const layoutOf = (target: Target): Observable<BenchLayout> => {
      let layout$ = registry.get(target.key);
      if (layout$) return layout$;
      let created: RxqHandle | undefined;
      layout$ = (
        target.kind === 'session' ? doc.ask(CreateSessionObject, target.props) : doc.ask(GetObject, target.id)
      ).pipe(
        switchMap((handle) => {
          const h = handle as RxqHandle;
          created = h;
          return h.invalidated$.pipe(
            startWith(h),
            switchMap(() => h.ask(GetLayout) as Observable<BenchLayout>),
          );
        }),
        finalize(() => {
          registry.delete(target.key);
          if (target.kind === 'session' && created) {
            void firstValueFrom(doc.ask(DestroySessionObject, target.props.qInfo.qId)).catch(() => undefined);
          }
        }),
        share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }),
      );
      registry.set(target.key, layout$);
      return layout$;
    };
    return {
      subscribe(target, onLayout) {
        const subscription: Subscription = layoutOf(target).subscribe(onLayout);
        return () => subscription.unsubscribe();
      },
      select: async (name, values) =>
        firstValueFrom(
          (await fieldOf(name)).ask(
            SelectValues,
            values.map((v) => ({ qNumber: v, qIsNumeric: true })),
          ),
        ),
      close: async () => {
        session.close();
      },
    };
  },
};
