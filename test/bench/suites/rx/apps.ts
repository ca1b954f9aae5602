/**
 * The apps of the reactive-layout suite and what their layouts must show. Every cube has one
 * measure whose grand total tells which selection the layout reflects, so the scenarios can tell
 * a final layout from a stale one without reading anything else.
 */
import type { SimAppFixture } from '@qixflow/sense-sim';
import type { BenchLayout } from './contenders.js';

/** 5 000 rows, F = Id mod 50: quick selections, fan-out and churn. */
export const LIGHT_APP = 'rx-bench';
/** Rows of the heavy app, whose cubes cost the engine tens of ms per layout (paced selections). */
const HEAVY_ROWS = 300_000;
export const HEAVY_APP = 'rx-bench-heavy';
/** Persistent objects of the light app, by id, for the fan-out scenario. */
export const FAN_OUT_OBJECTS = 100;

/** Sum(Id) over Id = 1..n where Id mod m = v (v = 0 means the multiples of m). */
function sumWhereMod(n: number, m: number, v: number): number {
  let sum = 0;
  for (let id = v === 0 ? m : v; id <= n; id += m) sum += id;
  return sum;
}

function cube(dimension: string, measure: string, rows: number): Record<string, unknown> {
  return {
    qDimensions: [{ qDef: { qFieldDefs: [dimension] } }],
    qMeasures: [{ qDef: { qDef: measure } }],
    qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 2, qHeight: rows }],
  };
}

export const LIGHT: SimAppFixture = {
  id: LIGHT_APP,
  name: LIGHT_APP,
  script: 'T: LOAD RecNo() as Id, Mod(RecNo(), 50) as F, Chr(65 + Mod(RecNo(), 26)) as L AUTOGENERATE 5000;',
  objects: Array.from({ length: FAN_OUT_OBJECTS }, (_, i) => ({
    qProperty: { qInfo: { qId: `fan-${i}`, qType: 'rx-bench' }, qHyperCubeDef: cube('L', `Sum(Id)*${i + 1}`, 26) },
  })),
} as SimAppFixture;

/**
 * 300 000 rows; G has 1 000 values, so each cube groups every selected row: tens of ms per
 * layout in the simulator. A paced selection selects every F value but one (98 % of the rows stay
 * in), so no selection makes the next layouts cheap.
 */
export const HEAVY: SimAppFixture = {
  id: HEAVY_APP,
  name: HEAVY_APP,
  script: `T: LOAD RecNo() as Id, Mod(RecNo(), 50) as F, Mod(RecNo(), 1000) as G AUTOGENERATE ${HEAVY_ROWS};`,
} as SimAppFixture;

/** Session-object properties of cube `i` (its measure is `Sum(Id) * (i + 1)`). */
export function cubeProps(
  i: number,
  qId: string,
  dimension = 'L',
  rows = 26,
): Record<string, unknown> & { qInfo: { qId: string; qType: string } } {
  return { qInfo: { qId, qType: 'rx-bench' }, qHyperCubeDef: cube(dimension, `Sum(Id)*${i + 1}`, rows) };
}

/** The grand total a layout shows (NaN when it has none). */
export function totalOf(layout: BenchLayout): number {
  return Number(layout.qHyperCube.qGrandTotalRow[0]?.qNum);
}

/** Light app: Sum(Id) with no selection, or with F = v selected. */
export function lightTotal(selected: number | undefined): number {
  return selected === undefined ? sumWhereMod(5000, 1, 0) : sumWhereMod(5000, 50, v(selected));
}

/** Heavy app: Sum(Id) with no selection, or with every F but `excluded` selected. */
export function heavyTotal(excluded: number | undefined): number {
  const all = sumWhereMod(HEAVY_ROWS, 1, 0);
  return excluded === undefined ? all : all - sumWhereMod(HEAVY_ROWS, 50, v(excluded));
}

/** Field values 0..49 (value 0 stands for the multiples of 50). */
function v(value: number): number {
  return value % 50;
}

/** The F values a paced selection selects: all but `excluded`. */
export function allBut(excluded: number): number[] {
  return Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== excluded % 50);
}
