import type {
  Doc,
  EngineErrorName,
  GenericObjectLayout,
  GenericObjectProperties,
  GenericVariableLayout,
  HyperCube,
  HyperCubeDef,
  LayoutOf,
  NxAppLayout,
  QixDouble,
} from '@qixflow/qix';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  appLayout,
  genericObject,
  layout,
  objectLayout,
  objectLayouts,
  type RxQixError,
  sessionObjectLayout,
} from '../../src/index.js';

// Type tests: `pnpm typecheck` compiles this file (the `@ts-expect-error` lines must stay errors). The
// functions below are never called: only the compiler looks inside them.

interface KpiProperties extends GenericObjectProperties {
  qHyperCubeDef: HyperCubeDef;
  title: { qStringExpression: { qExpr: string } };
}

function fromProperties(doc: Doc): void {
  const kpi$ = sessionObjectLayout(doc, {
    qInfo: { qType: 'kpi' },
    qHyperCubeDef: { qMeasures: [{ qDef: { qDef: 'Sum(Sales)' } }] },
    total: { qValueExpression: { qExpr: '=Sum(Sales)' } },
    note: 'plain',
  });
  kpi$.subscribe((kpi) => {
    expectTypeOf(kpi.qHyperCube).toEqualTypeOf<HyperCube>();
    expectTypeOf(kpi.total).toEqualTypeOf<QixDouble>();
    expectTypeOf(kpi.note).toEqualTypeOf<string>();
    // @ts-expect-error the properties define no list object
    void kpi.qListObject;
  });
  // @ts-expect-error not an enum value the engine knows
  sessionObjectLayout(doc, { qInfo: { qType: 'kpi' }, qHyperCubeDef: { qMode: 'STRAIGHT' } });
}

describe('rx layouts carry the object type', () => {
  it('objectLayout: GenericObjectLayout by default, LayoutOf<P> for named properties', () => {
    expectTypeOf(objectLayout<KpiProperties>).returns.toEqualTypeOf<Observable<LayoutOf<KpiProperties>>>();
    expectTypeOf<ReturnType<typeof objectLayout>>().toEqualTypeOf<Observable<GenericObjectLayout>>();
    expectTypeOf<LayoutOf<KpiProperties>['qHyperCube']>().toEqualTypeOf<HyperCube>();
    expectTypeOf<LayoutOf<KpiProperties>['title']>().toEqualTypeOf<string>();
    expectTypeOf(objectLayouts<KpiProperties>).returns.toEqualTypeOf<Observable<readonly LayoutOf<KpiProperties>[]>>();
  });

  it('sessionObjectLayout computes the layout from the properties it is given', () => {
    expectTypeOf(fromProperties).toBeFunction();
  });

  it('layout() follows the API object it is given', () => {
    const typed = (doc: Doc) => layout(genericObject<KpiProperties>(doc, 'kpi'));
    expectTypeOf(typed).returns.toEqualTypeOf<Observable<LayoutOf<KpiProperties>>>();
    const variable = async (doc: Doc) => layout(await doc.getVariableByName('vYear'));
    expectTypeOf(variable).returns.resolves.toEqualTypeOf<Observable<GenericVariableLayout>>();
    const app = (doc: Doc) => appLayout(doc);
    expectTypeOf(app).returns.toEqualTypeOf<Observable<NxAppLayout>>();
  });

  it('names engine errors with the typed union of the schema', () => {
    expectTypeOf<RxQixError['engineName']>().toEqualTypeOf<EngineErrorName | undefined>();
  });
});
