import type { Cell } from '../loaded-model.js';
import { numberCell, toNumber } from '../value-ops.js';
import { type FunctionTable, fn } from './function-types.js';

function num(args: readonly Cell[], i: number, fallback = Number.NaN): number {
  const cell = args[i];
  return cell === undefined ? fallback : toNumber(cell);
}

/** A function of numbers: NULL (NaN) in, NULL out; infinities and NaN out become NULL too. */
function numeric(body: (...values: number[]) => number): (args: readonly Cell[]) => Cell {
  return (args) => {
    // One and two arguments without the arrays (Mod, Div, Abs … run once per row of a LOAD).
    if (args.length === 1) {
      const a = toNumber(args[0] ?? null);
      return Number.isNaN(a) ? null : numberCell(body(a));
    }
    if (args.length === 2) {
      const a = toNumber(args[0] ?? null);
      const b = toNumber(args[1] ?? null);
      return Number.isNaN(a) || Number.isNaN(b) ? null : numberCell(body(a, b));
    }
    const values = args.map((cell) => toNumber(cell));
    if (values.some((value) => Number.isNaN(value))) return null;
    return numberCell(body(...values));
  };
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

function stepFunction(mode: 'round' | 'ceil' | 'floor'): (args: readonly Cell[]) => Cell {
  return (args) => {
    const x = num(args, 0);
    const step = num(args, 1, 1);
    const offset = num(args, 2, 0);
    if (Number.isNaN(x) || Number.isNaN(step) || Number.isNaN(offset)) return null;
    return numberCell(toStep(x, step, offset, mode));
  };
}

/** Numeric functions (help.qlik.com "Numeric functions", "Exponential and logarithmic functions"). */
export const MATH_FUNCTIONS: FunctionTable = {
  // Mod is the non-negative remainder (Mod(-7, 2) = 1); Fmod keeps the dividend's sign.
  mod: fn(
    2,
    2,
    numeric((a, b) => {
      if (!Number.isInteger(a) || !Number.isInteger(b) || b === 0) return Number.NaN;
      const r = a % b;
      return r < 0 ? r + Math.abs(b) : r;
    }),
  ),
  fmod: fn(
    2,
    2,
    numeric((a, b) => (b === 0 ? Number.NaN : a % b)),
  ),
  div: fn(
    2,
    2,
    numeric((a, b) => (b === 0 ? Number.NaN : Math.trunc(a / b))),
  ),
  fabs: fn(1, 1, numeric(Math.abs)),
  abs: fn(1, 1, numeric(Math.abs)),
  sign: fn(1, 1, numeric(Math.sign)),
  round: fn(1, 3, stepFunction('round')),
  ceil: fn(1, 3, stepFunction('ceil')),
  floor: fn(1, 3, stepFunction('floor')),
  frac: fn(
    1,
    1,
    numeric((x) => clean(x - Math.trunc(x))),
  ),
  even: fn(1, 1, (args) => {
    const x = num(args, 0);
    return Number.isInteger(x) ? numberCell(x % 2 === 0 ? -1 : 0) : null;
  }),
  odd: fn(1, 1, (args) => {
    const x = num(args, 0);
    return Number.isInteger(x) ? numberCell(x % 2 !== 0 ? -1 : 0) : null;
  }),
  sqrt: fn(1, 1, numeric(Math.sqrt)),
  // In Qlik, Sqr is the square, not the root.
  sqr: fn(
    1,
    1,
    numeric((x) => x * x),
  ),
  exp: fn(1, 1, numeric(Math.exp)),
  log: fn(1, 1, numeric(Math.log)),
  log10: fn(1, 1, numeric(Math.log10)),
  pow: fn(2, 2, numeric(Math.pow)),
  sin: fn(1, 1, numeric(Math.sin)),
  cos: fn(1, 1, numeric(Math.cos)),
  tan: fn(1, 1, numeric(Math.tan)),
  asin: fn(1, 1, numeric(Math.asin)),
  acos: fn(1, 1, numeric(Math.acos)),
  atan: fn(1, 1, numeric(Math.atan)),
  atan2: fn(2, 2, numeric(Math.atan2)),
  pi: fn(0, 0, () => numberCell(Math.PI)),
  e: fn(0, 0, () => numberCell(Math.E)),
  rand: fn(0, 0, () => numberCell(Math.random())),
  fact: fn(
    1,
    1,
    numeric((n) => {
      if (!Number.isInteger(n) || n < 0) return Number.NaN;
      let out = 1;
      for (let i = 2; i <= n; i++) out *= i;
      return out;
    }),
  ),
  bitcount: fn(
    1,
    1,
    numeric((x) => {
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
