import { describe, expectTypeOf, it } from 'vitest';
import type {
  AppObjectList,
  GenericObject,
  GenericObjectLayout,
  GenericObjectProperties,
  HyperCube,
  HyperCubeDef,
  LayoutOf,
  ListObject,
  ListObjectDef,
  NxInfo,
  NxMeta,
  QixDouble,
  QixPromise,
} from '../src/index.js';

// As TypeScript infers it from a literal: no index signature, so absent keys are absent.
type ChartProperties = {
  qInfo: { qId: string; qType: 'barchart' };
  qHyperCubeDef: HyperCubeDef & { customErrorMessage: { calcCond: string } };
  title: { qStringExpression: { qExpr: string } };
  total: { qValueExpression: { qExpr: string } };
  footnote: string;
  filter: { qListObjectDef: ListObjectDef; label: string };
  sheets: { qAppObjectListDef: { qType: string } };
  panels: { qStringExpression: string }[];
  qLayoutExclude: { qHyperCubeDef: HyperCubeDef };
  qMetaDef: { title: string; tags: string[] };
};

type ChartLayout = LayoutOf<ChartProperties>;

describe('LayoutOf', () => {
  it('replaces each definition by its computed counterpart', () => {
    expectTypeOf<ChartLayout['qHyperCube']>().toExtend<HyperCube>();
    expectTypeOf<ChartLayout['sheets']>().toEqualTypeOf<{ qAppObjectList: AppObjectList }>();
    expectTypeOf<ChartLayout>().not.toHaveProperty('qHyperCubeDef');
  });

  it('keeps the custom keys of a definition in its counterpart', () => {
    expectTypeOf<ChartLayout['qHyperCube']['customErrorMessage']>().toEqualTypeOf<{ calcCond: string }>();
  });

  it('replaces objects holding an expression by its value, at any depth', () => {
    expectTypeOf<ChartLayout['title']>().toEqualTypeOf<string>();
    expectTypeOf<ChartLayout['total']>().toEqualTypeOf<QixDouble>();
    expectTypeOf<ChartLayout['panels']>().toEqualTypeOf<string[]>();
  });

  it('copies other keys and computes inside them', () => {
    expectTypeOf<ChartLayout['footnote']>().toEqualTypeOf<string>();
    expectTypeOf<ChartLayout['filter']>().toEqualTypeOf<{ qListObject: ListObject; label: string }>();
  });

  it('leaves qLayoutExclude out and adds what every layout has', () => {
    expectTypeOf<ChartLayout>().not.toHaveProperty('qLayoutExclude');
    expectTypeOf<NonNullable<ChartLayout['qInfo']>>().toEqualTypeOf<NxInfo>();
    expectTypeOf<NonNullable<ChartLayout['qMeta']>>().toExtend<NxMeta>();
    expectTypeOf<NonNullable<ChartLayout['qMeta']>['privileges']>().toEqualTypeOf<unknown>();
    expectTypeOf<ChartLayout>().not.toHaveProperty('qMetaDef');
  });

  it('shows in qMeta what qMetaDef defines', () => {
    expectTypeOf<NonNullable<ChartLayout['qMeta']>['title']>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<ChartLayout['qMeta']>['tags']>().toEqualTypeOf<string[]>();
  });

  it('gives unnarrowed objects every computed member as optional', () => {
    type Unnarrowed = LayoutOf<GenericObjectProperties>;
    expectTypeOf<NonNullable<Unnarrowed['qHyperCube']>>().toEqualTypeOf<HyperCube>();
    expectTypeOf<undefined>().toExtend<Unnarrowed['qHyperCube']>();
    expectTypeOf<LayoutOf<GenericObjectProperties>>().toExtend<GenericObjectLayout>();
  });

  it('accepts properties that extend GenericObjectProperties', () => {
    expectTypeOf<ChartProperties>().toExtend<GenericObjectProperties>();
  });

  it('types the methods of GenericObject<P> by P', () => {
    type Chart = GenericObject<ChartProperties>;
    expectTypeOf<ReturnType<Chart['getLayout']>>().toEqualTypeOf<QixPromise<ChartLayout>>();
    expectTypeOf<ReturnType<Chart['getProperties']>>().toEqualTypeOf<QixPromise<ChartProperties>>();
    expectTypeOf<Parameters<Chart['setProperties']>>().toEqualTypeOf<[qProp: ChartProperties]>();
    expectTypeOf<ReturnType<Chart['getChild']>>().toEqualTypeOf<QixPromise<GenericObject>>();
  });
});
