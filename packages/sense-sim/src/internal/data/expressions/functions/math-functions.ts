import type { Cell } from '../../model/loaded-model.js';
import { numberCell, toNumber } from '../value-ops.js';
import { type FunctionSpec, type FunctionTable, fn, type NumericKernel, numericFn } from './function-types.js';

function num(args: readonly Cell[], i: number, fallback = Number.NaN): number {
  const cell = args[i];
  return cell === undefined ? fallback : toNumber(cell);
}

/** A function of one number: NULL (NaN) in, NULL out (infinities and NaN out are NULL too, see `numericFn`). */
function unary(body: (x: number) => number): NumericKernel {
  return (x) => (Number.isNaN(x) ? Number.NaN : body(x));
}

/** A function of two numbers: NULL (NaN) in either, NULL out. */
function binary(body: (x: number, y: number) => number): NumericKernel {
  return (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : body(x, y));
}

/** Removes binary floating-point noise (Round(1.005, 0.01) should not be 1.0000000000000002). */
function clean(value: number): number {
  return Number(value.toPrecision(15));
}

/** Rounds `x` to a multiple of `step` shifted by `offset`, with `mode` picking the direction. */
function toStep(x: number, step: number, offset: number, mode: 'round' | 'ceil' | 'floor'): number {
  if (step === 0) return x;
  const q = Math.round(((x - offset) / step) * 1e9) / 1e9;
  const n = mode === 'round' ? Math.floor(q + 0.5) : mode === 'ceil' ? Math.ceil(q) : Math.floor(q);
  // A step of 1/k (0.01, 0.5): n / k is already the double nearest the decimal result, so the
  // costly clean-up is only needed for other steps.
  const inverse = 1 / step;
  if (offset === 0 && Number.isInteger(inverse) && inverse * step === 1 && Math.abs(n) < 1e13) return n / inverse;
  return clean(n * step + offset);
}

/** Round, Ceil, Floor (x, step = 1, offset = 0). */
function stepFunction(mode: 'round' | 'ceil' | 'floor'): FunctionSpec {
  return numericFn(
    1,
    3,
    (x, step, offset) =>
      Number.isNaN(x) || Number.isNaN(step) || Number.isNaN(offset) ? Number.NaN : toStep(x, step, offset, mode),
    STEP_DEFAULTS,
  );
}

const STEP_DEFAULTS: readonly number[] = [Number.NaN, 1, 0];

/** Numeric functions (help.qlik.com "Numeric functions", "Exponential and logarithmic functions"). */
export const MATH_FUNCTIONS: FunctionTable = {
  // Mod is the non-negative remainder (Mod(-7, 2) = 1); Fmod keeps the dividend's sign.
  mod: numericFn(
    2,
    2,
    binary((a, b) => {
      if (!Number.isInteger(a) || !Number.isInteger(b) || b === 0) return Number.NaN;
      const r = a % b;
      return r < 0 ? r + Math.abs(b) : r;
    }),
  ),
  fmod: numericFn(
    2,
    2,
    binary((a, b) => (b === 0 ? Number.NaN : a % b)),
  ),
  div: numericFn(
    2,
    2,
    binary((a, b) => (b === 0 ? Number.NaN : Math.trunc(a / b))),
  ),
  fabs: numericFn(1, 1, unary(Math.abs)),
  abs: numericFn(1, 1, unary(Math.abs)),
  sign: numericFn(1, 1, unary(Math.sign)),
  round: stepFunction('round'),
  ceil: stepFunction('ceil'),
  floor: stepFunction('floor'),
  frac: numericFn(
    1,
    1,
    unary((x) => clean(x - Math.trunc(x))),
  ),
  even: fn(1, 1, (args) => {
    const x = num(args, 0);
    return Number.isInteger(x) ? numberCell(x % 2 === 0 ? -1 : 0) : null;
  }),
  odd: fn(1, 1, (args) => {
    const x = num(args, 0);
    return Number.isInteger(x) ? numberCell(x % 2 !== 0 ? -1 : 0) : null;
  }),
  sqrt: numericFn(1, 1, unary(Math.sqrt)),
  // In Qlik, Sqr is the square, not the root.
  sqr: numericFn(
    1,
    1,
    unary((x) => x * x),
  ),
  exp: numericFn(1, 1, unary(Math.exp)),
  log: numericFn(1, 1, unary(Math.log)),
  log10: numericFn(1, 1, unary(Math.log10)),
  pow: numericFn(2, 2, binary(Math.pow)),
  sin: numericFn(1, 1, unary(Math.sin)),
  cos: numericFn(1, 1, unary(Math.cos)),
  tan: numericFn(1, 1, unary(Math.tan)),
  asin: numericFn(1, 1, unary(Math.asin)),
  acos: numericFn(1, 1, unary(Math.acos)),
  atan: numericFn(1, 1, unary(Math.atan)),
  atan2: numericFn(2, 2, binary(Math.atan2)),
  pi: numericFn(0, 0, () => Math.PI),
  e: numericFn(0, 0, () => Math.E),
  rand: numericFn(0, 0, () => Math.random()),
  fact: numericFn(
    1,
    1,
    unary((n) => {
      if (!Number.isInteger(n) || n < 0) return Number.NaN;
      let out = 1;
      for (let i = 2; i <= n; i++) out *= i;
      return out;
    }),
  ),
  bitcount: numericFn(
    1,
    1,
    unary((x) => {
      let v = Math.trunc(x) >>> 0;
      let count = 0;
      while (v) {
        count += v & 1;
        v >>>= 1;
      }
      return count;
    }),
  ),
};
