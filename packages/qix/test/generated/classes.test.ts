import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  Doc,
  Field,
  GenericBookmark,
  GenericMeasure,
  GenericObject,
  GenericObjectProperties,
  Global,
  HyperCube,
  InteractDef,
  NxAppLayout,
  NxCell,
  QixDouble,
  QixObject,
  QixPromise,
  SourceKeyRecord,
  StateEnumType,
  TableRecord,
  Variable,
} from '../../src/index.js';

// Type assertions are checked by `tsc -p tsconfig.test.json` (`pnpm typecheck`); the functions holding calls
// are never run, only compiled.

describe('generated API classes', () => {
  it('resolves single out-parameters to their value', () => {
    expectTypeOf<ReturnType<Doc['getAppLayout']>>().toEqualTypeOf<QixPromise<NxAppLayout>>();
    expectTypeOf<ReturnType<Field['getCardinal']>>().toEqualTypeOf<QixPromise<number>>();
    expectTypeOf<ReturnType<Doc['destroySessionObject']>>().toEqualTypeOf<QixPromise<boolean>>();
  });

  it('resolves object handles to the API object of their class', () => {
    expectTypeOf<ReturnType<Global['openDoc']>>().toEqualTypeOf<QixPromise<Doc>>();
    expectTypeOf<ReturnType<Global['getActiveDoc']>>().toEqualTypeOf<QixPromise<Doc>>();
    expectTypeOf<ReturnType<Global['createSessionApp']>>().toEqualTypeOf<QixPromise<Doc>>();
    expectTypeOf<Awaited<ReturnType<Doc['getObject']>>>().toEqualTypeOf<GenericObject>();
    expectTypeOf<ReturnType<Doc['getField']>>().toEqualTypeOf<QixPromise<Field>>();
    expectTypeOf<ReturnType<Doc['getVariable']>>().toEqualTypeOf<QixPromise<Variable>>();
    expectTypeOf<ReturnType<Doc['getMeasure']>>().toEqualTypeOf<QixPromise<GenericMeasure>>();
    expectTypeOf<ReturnType<Doc['createBookmark']>>().toEqualTypeOf<QixPromise<GenericBookmark>>();
  });

  it('resolves several out-parameters to the result object, and none to void', () => {
    expectTypeOf<ReturnType<Doc['getTablesAndKeys']>>().toEqualTypeOf<
      QixPromise<{ qtr: TableRecord[]; qk: SourceKeyRecord[] }>
    >();
    expectTypeOf<ReturnType<Doc['clearAll']>>().toEqualTypeOf<QixPromise<void>>();
  });

  it('follows enigma.js where it drops qReturn', () => {
    expectTypeOf<ReturnType<Global['getInteract']>>().toEqualTypeOf<QixPromise<InteractDef>>();
    expectTypeOf<ReturnType<Doc['storeTempSelectionState']>>().toEqualTypeOf<QixPromise<string>>();
  });

  it('types parameters positionally, optional ones optional', () => {
    expectTypeOf<Parameters<Doc['getObject']>>().toEqualTypeOf<[qId: string]>();
    expectTypeOf<Parameters<Global['openDoc']>>().toEqualTypeOf<
      [qDocName: string, qUserName?: string, qPassword?: string, qSerial?: string, qNoData?: boolean]
    >();
    const compileOnly = async (global: Global, doc: Doc): Promise<void> => {
      // @ts-expect-error -- the id is a string
      await doc.getObject(42);
      // @ts-expect-error -- GetAppLayout takes no parameter
      await doc.getAppLayout('x');
      // @ts-expect-error -- the app name is required
      await global.openDoc();
      // @ts-expect-error -- no such method
      await doc.getAppLayoutt();
      await global.openDoc('Sales.qvf', '', '', '', true);
      const rows: readonly number[] = [0, 1];
      const object = await doc.getObject('chart');
      await object.selectHyperCubeValues('/qHyperCubeDef', 0, rows, false);
    };
    expect(compileOnly).toBeTypeOf('function');
  });

  it('types structs and enums from the schema', () => {
    expectTypeOf<NxCell['qState']>().toEqualTypeOf<StateEnumType | undefined>();
    expectTypeOf<NxCell['qNum']>().toEqualTypeOf<QixDouble | undefined>();
    expectTypeOf<'S'>().toExtend<StateEnumType>();
    expectTypeOf<'SELECTED'>().not.toExtend<StateEnumType>();
    expectTypeOf<GenericObjectProperties['qInfo']['qType']>().toEqualTypeOf<string>();
  });

  it('gives every class the enigma.js API object members', () => {
    expectTypeOf<Doc>().toExtend<QixObject<'Doc'>>();
    expectTypeOf<Doc['type']>().toEqualTypeOf<'Doc'>();
    expectTypeOf<ReturnType<Doc['on']>>().toEqualTypeOf<Doc>();
    const compileOnly = (doc: Doc): void => {
      const listener = (): void => {};
      doc.on('changed', listener).on('closed', listener);
      doc.removeListener('changed', listener);
      // @ts-expect-error -- enigma.js emits changed and closed only
      doc.on('chnaged', listener);
    };
    expect(compileOnly).toBeTypeOf('function');
  });

  it('narrows generic objects by the properties they are created with', () => {
    const compileOnly = async (doc: Doc): Promise<void> => {
      const kpi = await doc.createSessionObject({
        qInfo: { qType: 'kpi' },
        qHyperCubeDef: { qMeasures: [{ qDef: { qDef: 'Sum(Sales)' } }], qMode: 'S' },
        title: { qStringExpression: { qExpr: "='Sales'" } },
        color: 'red',
      });
      const layout = await kpi.getLayout();
      expectTypeOf(layout.qHyperCube).toEqualTypeOf<HyperCube>();
      expectTypeOf(layout.title).toEqualTypeOf<string>();
      expectTypeOf(layout.color).toEqualTypeOf<string>();
      // @ts-expect-error -- no list object was defined
      void layout.qListObject.qDataPages;
      const chart = await doc.createSessionObject({
        qInfo: { qType: 'barchart' },
        qHyperCubeDef: { qDimensions: [], customErrorMessage: { calcCond: 'Select a year' } },
      });
      expectTypeOf((await chart.getLayout()).qHyperCube.customErrorMessage.calcCond).toEqualTypeOf<string>();
      // @ts-expect-error -- qMode takes the engine's short titles
      await doc.createSessionObject({ qInfo: { qType: 'x' }, qHyperCubeDef: { qMode: 'STRAIGHT' } });
      // @ts-expect-error -- qInfo is mandatory
      await doc.createSessionObject({ qHyperCubeDef: {} });
    };
    expect(compileOnly).toBeTypeOf('function');
  });
});
