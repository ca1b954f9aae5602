import type { ChildListDef, GenericObjectProperties, LayoutOf } from '@qixflow/qix';
import type { Simulator } from '@qixflow/sense-sim';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type GenericObjectLayout,
  genericObject,
  isRxQixError,
  objectLayout,
  objectProperties,
  RxQixError,
} from '../../src/index.js';
import { sharedCount } from '../../src/internal/share-by-key.js';
import { eventually, first$, KPI, openApp, SHEET_OVERVIEW, settle, take$, useSimulator } from '../helpers.js';

let sim: Simulator;
useSimulator((started) => {
  sim = started;
});

interface SheetProperties extends GenericObjectProperties {
  rank: number;
  qChildListDef: ChildListDef;
}
type SheetLayout = LayoutOf<SheetProperties>;

describe('objectLayout', () => {
  it('emits the layout of an object by id, typed and deep-frozen', async () => {
    const { doc, close } = await openApp(sim);
    const [sheet] = await take$(objectLayout<SheetProperties>(doc, SHEET_OVERVIEW));
    expect(sheet!.qInfo).toEqual({ qId: SHEET_OVERVIEW, qType: 'sheet' });
    expect(sheet!.qMeta?.title).toBe('Sales Overview');
    expect(sheet!.qChildList.qItems?.length).toBeGreaterThan(0);
    expect(Object.isFrozen(sheet)).toBe(true);
    expect(Object.isFrozen(sheet!.qChildList.qItems?.[0]?.qInfo)).toBe(true);
    expect(() => {
      (sheet as { rank: number }).rank = 9;
    }).toThrow(TypeError);
    await close();
  });

  it('gives N subscribers one GetObject and one GetLayout, and replays to late subscribers without traffic', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const values: GenericObjectLayout[] = [];
    const subs = Array.from({ length: 5 }, () => objectLayout(doc, KPI).subscribe((l) => values.push(l)));
    await eventually(() => values.length === 5);
    expect(traffic.count('GetObject')).toBe(1);
    expect(traffic.count('GetLayout')).toBe(1);
    expect(new Set(values).size).toBe(1); // the very same frozen object for everyone

    const late = await take$(objectLayout(doc, KPI));
    expect(late[0]).toBe(values[0]);
    expect(traffic.sent).toHaveLength(2);
    for (const s of subs) s.unsubscribe();
    expect(sharedCount(doc)).toBe(0);
    await close();
  });

  it('re-emits when another session changes the object, sharing unchanged subtrees', async () => {
    const { doc, close } = await openApp(sim);
    const other = await openApp(sim);
    const seen: SheetLayout[] = [];
    const sub = objectLayout<SheetProperties>(doc, SHEET_OVERVIEW).subscribe((l) => seen.push(l));
    await eventually(() => seen.length === 1);

    const sheet = await other.doc.getObject(SHEET_OVERVIEW);
    const props = await sheet.getProperties();
    await sheet.setProperties({ ...props, qMetaDef: { ...props.qMetaDef, title: 'Renamed by someone else' } });
    await eventually(() => seen.length === 2, 3000, 'pushed change');

    const [before, after] = seen as [SheetLayout, SheetLayout];
    expect(after.qMeta?.title).toBe('Renamed by someone else');
    expect(after).not.toBe(before);
    expect(after.qChildList).toBe(before.qChildList); // structurally shared
    expect(after.qInfo).toBe(before.qInfo);

    await sheet.setProperties(props); // put it back for the other tests
    await eventually(() => seen.length === 3);
    sub.unsubscribe();
    await other.close();
    await close();
  });

  it('emits nothing when a refetch finds an unchanged layout', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const seen: GenericObjectLayout[] = [];
    const sub = objectLayout(doc, KPI).subscribe((l) => seen.push(l));
    await eventually(() => seen.length === 1);
    const obj = await doc.getObject(KPI);
    obj.emit('changed'); // as if the engine had said so
    await eventually(() => traffic.count('GetLayout') === 2);
    await settle(30);
    expect(seen).toHaveLength(1);
    sub.unsubscribe();
    await close();
  });

  it('fails with ERR_OBJECT_NOT_FOUND for an unknown id', async () => {
    const { doc, close } = await openApp(sim);
    const error = await firstValueFrom(objectLayout(doc, 'no-such-object')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RxQixError);
    expect(error).toMatchObject({ code: 'ERR_OBJECT_NOT_FOUND', objectId: 'no-such-object', method: 'GetObject' });
    expect((error as Error).message).toBe('GetObject (no-such-object): no such object');
    await close();
  });

  it('passes engine errors to subscribers as typed RxQixError (failNext GetLayout code 2)', async () => {
    const { doc, close } = await openApp(sim);
    sim.control.failNext('GetLayout', { code: 2, message: 'Resource not found', parameter: KPI });
    const error = await firstValueFrom(objectLayout(doc, KPI)).catch((e: unknown) => e);
    expect(isRxQixError(error, 'ERR_ENGINE')).toBe(true);
    expect(error).toMatchObject({
      name: 'RxQixError',
      code: 'ERR_ENGINE',
      engineCode: 2,
      engineName: 'LOCERR_GENERIC_NOT_FOUND',
      parameter: KPI,
      method: 'GetLayout',
      objectId: KPI,
    });
    expect((error as Error).message).toBe(
      `GetLayout (${KPI}) failed: Resource not found (2 LOCERR_GENERIC_NOT_FOUND): ${KPI}`,
    );
    // the shared entry was dropped: the next subscriber starts afresh and succeeds
    expect(sharedCount(doc)).toBe(0);
    expect((await take$(objectLayout(doc, KPI)))[0]!.qInfo?.qId).toBe(KPI);
    await close();
  });

  it('fails with ERR_OBJECT_NOT_FOUND when the object is destroyed by someone else', async () => {
    const { doc, close } = await openApp(sim);
    const other = await openApp(sim);
    const created = await other.doc.createObject({ qInfo: { qId: 'doomed', qType: 'note' }, text: 'x' });
    expect(created.id).toBe('doomed');
    const seen: GenericObjectLayout[] = [];
    let error: unknown;
    objectLayout(doc, 'doomed').subscribe({ next: (l) => seen.push(l), error: (e: unknown) => (error = e) });
    await eventually(() => seen.length === 1);
    expect(await other.doc.destroyObject('doomed')).toBe(true);
    // enigma.js emits `closed` for the handle; rx looks the object up again and finds nothing
    await eventually(() => error !== undefined, 2000, 'error');
    expect(error).toMatchObject({ code: 'ERR_OBJECT_NOT_FOUND', objectId: 'doomed' });
    expect(seen).toHaveLength(1);
    await other.close();
    await close();
  });

  it('shares the handle between objectLayout, objectProperties and genericObject', async () => {
    const { doc, traffic, close } = await openApp(sim);
    const handles: unknown[] = [];
    const subs = [
      objectLayout(doc, KPI).subscribe(),
      objectProperties(doc, KPI).subscribe(),
      genericObject(doc, KPI).subscribe((h) => handles.push(h)),
    ];
    await eventually(() => traffic.count('GetProperties') === 1 && traffic.count('GetLayout') === 1);
    const props = await first$(objectProperties<{ qHyperCubeDef: unknown }>(doc, KPI));
    expect(props.qHyperCubeDef).toBeDefined();
    expect(traffic.count('GetObject')).toBe(1);
    expect(handles).toHaveLength(1);
    for (const s of subs) s.unsubscribe();
    await close();
  });

  it('rejects bad arguments with TypeErrors that say what is allowed', async () => {
    const { doc, close } = await openApp(sim);
    expect(() => objectLayout(doc, '')).toThrow("objectLayout: id must be a non-empty string, got ''");
    expect(() => objectLayout({} as never, 'x')).toThrow(/objectLayout: doc must be an enigma.js API object/);
    await close();
  });
});
