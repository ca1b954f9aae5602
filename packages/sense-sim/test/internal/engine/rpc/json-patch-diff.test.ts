import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyJsonPatch,
  type JsonPatchOp,
  jsonPatchDiff,
} from '../../../../src/internal/engine/rpc/json-patch-diff.js';

// ---- helpers ----

/** JSON equality with own keys only, ignoring key order (patched objects keep their old key order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((key) => Object.hasOwn(y, key) && sameJson(x[key], y[key]));
}

/** What the wire does to a value: fresh objects, `__proto__` kept as an own key. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Applies the diff to a copy of `a` the way enigma.js would and checks that it yields `b`. */
function roundTrip(a: unknown, b: unknown): JsonPatchOp[] {
  const ops = jsonPatchDiff(a, b);
  const patched = applyJsonPatch(wire(a), wire(ops));
  if (!sameJson(patched, b)) {
    throw new Error(
      `diff does not rebuild the value:\n a=${JSON.stringify(a)}\n b=${JSON.stringify(b)}\n ops=${JSON.stringify(ops)}\n got=${JSON.stringify(patched)}`,
    );
  }
  return ops;
}

function withOwn(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return object;
}

function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

// ---- a small seeded generator of JSON values ----

/** mulberry32: a tiny seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys that stress enigma.js's path handling, mixed with ordinary ones. */
const KEYS = [
  'a',
  'b',
  'c',
  'qText',
  'qNum',
  'qMatrix',
  'toString',
  '-',
  'NaN',
  '_x',
  '$$y',
  '0',
  '1',
  '1.0',
  '',
  ' ',
  'Infinity',
  'a/b',
  '~',
  '~1',
  '~0x',
  'constructor',
  'prototype',
  '__proto__',
];
const STRINGS = ['', 'a', 'b', 'NaN', '/', '~1', 'qText'];

class JsonGenerator {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  chance(p: number): boolean {
    return this.#random() < p;
  }

  /** A key; `__proto__` only below the root (see the root-limitation test). */
  key(atRoot: boolean): string {
    const key = KEYS[this.int(KEYS.length)] ?? 'a';
    return atRoot && key === '__proto__' ? 'a' : key;
  }

  scalar(): unknown {
    switch (this.int(6)) {
      case 0:
        return this.int(5);
      case 1:
        return this.int(1000) / 7;
      case 2:
        return STRINGS[this.int(STRINGS.length)];
      case 3:
        return this.chance(0.5);
      case 4:
        return null;
      default:
        return -this.int(3);
    }
  }

  value(depth = 0, kind: 'any' | 'object' = 'any'): unknown {
    if (kind === 'any' && (depth >= 4 || this.chance(0.35))) return this.scalar();
    if (kind === 'any' && this.chance(0.45)) return range(this.int(6)).map(() => this.value(depth + 1));
    const entries: [string, unknown][] = [];
    for (let i = this.int(6); i > 0; i--) entries.push([this.key(depth === 0), this.value(depth + 1)]);
    return withOwn(entries);
  }

  /** A changed copy sharing unchanged subtrees, like two successive layouts. */
  mutate(value: unknown, depth = 0): unknown {
    if (depth > 0 && this.chance(0.1)) return this.value(depth);
    if (Array.isArray(value)) {
      const copy = [...value];
      for (let edits = 1 + this.int(3); edits > 0; edits--) {
        const at = this.int(copy.length + 1);
        const what = this.int(4);
        if (what === 0 && at < copy.length) copy[at] = this.mutate(copy[at], depth + 1);
        else if (what === 1 && at < copy.length) copy.splice(at, 1);
        else if (what === 2) copy.splice(at, 0, this.value(depth + 1));
        else copy.push(this.value(depth + 1));
      }
      return copy;
    }
    if (value !== null && typeof value === 'object') {
      const source = value as Record<string, unknown>;
      const entries = new Map(Object.keys(source).map((k) => [k, source[k]]));
      for (let edits = 1 + this.int(3); edits > 0; edits--) {
        const keys = [...entries.keys()];
        const existing = keys[this.int(keys.length)];
        const what = this.int(3);
        if (what === 0 && existing !== undefined) entries.set(existing, this.mutate(entries.get(existing), depth + 1));
        else if (what === 1 && existing !== undefined) entries.delete(existing);
        else entries.set(this.key(depth === 0), this.value(depth + 1));
      }
      return withOwn([...entries]);
    }
    return this.scalar();
  }

  /** A pair of values to diff: mostly related (b derived from a), sometimes unrelated or of other root types. */
  pair(kind: 'any' | 'object'): [unknown, unknown] {
    const a = this.value(0, kind);
    if (this.chance(0.2)) return [a, this.value(0, kind)];
    return [a, this.mutate(a)];
  }
}

/** A hypercube data page like the engine's: `rows` × `columns` cells. */
function page(rows: number, columns: number, top = 0, seed = 0): Record<string, unknown> {
  const qMatrix = range(rows, top).map((r) =>
    range(columns).map((c) => {
      const n = (r * columns + c + seed) % 997;
      return c === 0
        ? { qText: `Item ${n}`, qNum: 'NaN', qElemNumber: n, qState: 'O' }
        : { qText: String(n * 3), qNum: n * 3, qElemNumber: 0, qState: 'L' };
    }),
  );
  return { qMatrix, qTails: [], qArea: { qLeft: 0, qTop: top, qWidth: columns, qHeight: rows } };
}

// ---- tests ----

describe('jsonPatchDiff', () => {
  it('returns no operations for equal values', () => {
    expect(jsonPatchDiff({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toEqual([]);
    expect(jsonPatchDiff(1, 1)).toEqual([]);
    expect(jsonPatchDiff('NaN', 'NaN')).toEqual([]);
    const shared = page(10, 10);
    expect(jsonPatchDiff(shared, shared)).toEqual([]);
  });

  it('treats keys whose value is undefined as absent, as JSON does', () => {
    expect(jsonPatchDiff({ a: 1, b: undefined }, { a: 1, c: undefined })).toEqual([]);
    expect(jsonPatchDiff({ a: 1, big: range(10) }, { a: undefined, big: range(10) })).toEqual([
      { op: 'remove', path: '/a' },
    ]);
    expect(jsonPatchDiff({ a: undefined, big: range(10) }, { a: 2, big: range(10) })).toEqual([
      { op: 'add', path: '/a', value: 2 },
    ]);
  });

  it('replaces a changed scalar root at /', () => {
    expect(roundTrip(false, true)).toEqual([{ op: 'replace', path: '/', value: true }]);
    expect(roundTrip('12.1', '12.2')).toEqual([{ op: 'replace', path: '/', value: '12.2' }]);
    expect(roundTrip({ a: 1 }, null)).toEqual([{ op: 'replace', path: '/', value: null }]);
  });

  it('patches nested objects key by key', () => {
    const a = {
      qInfo: { qId: 'x', qType: 'sheet' },
      qMeta: { title: 'A', description: 'long text', tags: [1, 2] },
      n: 1,
    };
    const b = {
      qInfo: { qId: 'x', qType: 'sheet' },
      qMeta: { title: 'B', description: 'long text', tags: [1, 2] },
      m: 2,
    };
    expect(roundTrip(a, b)).toEqual([
      { op: 'replace', path: '/qMeta/title', value: 'B' },
      { op: 'add', path: '/m', value: 2 },
      { op: 'remove', path: '/n' },
    ]);
  });

  it('replaces a value whose type changes', () => {
    const a = { keep: range(10), x: [1, 2], y: 'text', z: { p: 1 } };
    const b = { keep: range(10), x: { '1': 2 }, y: ['text'], z: 0 };
    expect(roundTrip(a, b)).toEqual([
      { op: 'replace', path: '/x', value: { '1': 2 } },
      { op: 'replace', path: '/y', value: ['text'] },
      { op: 'replace', path: '/z', value: 0 },
    ]);
  });

  it('adds elements to a growing array in ascending order', () => {
    expect(roundTrip({ list: range(20) }, { list: range(22) })).toEqual([
      { op: 'add', path: '/list/20', value: 20 },
      { op: 'add', path: '/list/21', value: 21 },
    ]);
  });

  it('removes elements of a shrinking array from the highest index down', () => {
    expect(roundTrip({ list: range(22) }, { list: range(20) })).toEqual([
      { op: 'remove', path: '/list/21' },
      { op: 'remove', path: '/list/20' },
    ]);
    expect(roundTrip(range(20), [0, 1, ...range(15, 5)])).toEqual([
      { op: 'remove', path: '/4' },
      { op: 'remove', path: '/3' },
      { op: 'remove', path: '/2' },
    ]);
  });

  it('patches only the middle of an array changed in the middle', () => {
    const a = range(30);
    expect(
      roundTrip(
        a,
        a.map((v) => (v === 12 ? -1 : v)),
      ),
    ).toEqual([{ op: 'replace', path: '/12', value: -1 }]);
    expect(roundTrip(a, [...range(12), 99, ...range(18, 12)])).toEqual([{ op: 'add', path: '/12', value: 99 }]);
    expect(roundTrip(a, [...range(10), 'a', 'b', ...range(15, 15)])).toEqual([
      { op: 'replace', path: '/10', value: 'a' },
      { op: 'replace', path: '/11', value: 'b' },
      { op: 'remove', path: '/14' },
      { op: 'remove', path: '/13' },
      { op: 'remove', path: '/12' },
    ]);
    const rows = range(20).map((i) => ({ qText: `r${i}`, qNum: i, qElemNumber: i, qState: 'O' }));
    const changed = rows.map((row, i) => (i === 7 ? { ...row, qState: 'S' } : row));
    expect(roundTrip(rows, changed)).toEqual([{ op: 'replace', path: '/7/qState', value: 'S' }]);
  });

  it('replaces a container when that is smaller than patching inside it', () => {
    expect(
      roundTrip({ qArea: { qLeft: 0, qTop: 0 }, keep: range(10) }, { qArea: { qLeft: 5, qTop: 5 }, keep: range(10) }),
    ).toEqual([{ op: 'replace', path: '/qArea', value: { qLeft: 5, qTop: 5 } }]);
    expect(roundTrip(range(10), range(10, 100))).toEqual([{ op: 'replace', path: '/', value: range(10, 100) }]);
  });

  it('never puts a key holding / or ~ in a path: it replaces the object holding it', () => {
    const big = { rows: range(50) };
    const a = { meta: { 'a/b': 1, '~': 'x', big }, other: 1 };
    const b = { meta: { 'a/b': 2, '~': 'x', big }, other: 1 };
    expect(roundTrip(a, b)).toEqual([{ op: 'replace', path: '/meta', value: b.meta }]);
    expect(roundTrip({ meta: { big } }, { meta: { big, '~1': true } })).toEqual([
      { op: 'replace', path: '/meta', value: { big, '~1': true } },
    ]);
    // Unchanged awkward keys do not get in the way of patching their siblings.
    expect(roundTrip({ m: { 'a/b': 1, big } }, { m: { 'a/b': 1, big: { rows: range(51) } } })).toEqual([
      { op: 'add', path: '/m/big/rows/50', value: 50 },
    ]);
  });

  it('never puts a prototype name in a path (enigma.js rejects them)', () => {
    const big = range(40);
    const a = {
      x: withOwn([
        ['__proto__', { p: 1 }],
        ['big', big],
      ]),
      y: big,
    };
    const b = {
      x: withOwn([
        ['__proto__', { p: 2 }],
        ['big', big],
      ]),
      y: big,
    };
    // `__proto__` also starts with `_`, which enigma.js keeps when replacing in place: remove and add instead.
    expect(roundTrip(a, b)).toEqual([
      { op: 'remove', path: '/x' },
      { op: 'add', path: '/x', value: b.x },
    ]);
    expect(roundTrip({ x: { big } }, { x: { big, constructor: 1 } })).toEqual([
      { op: 'replace', path: '/x', value: { big, constructor: 1 } },
    ]);
    expect(roundTrip({ x: { big, prototype: 1 } }, { x: { big } })).toEqual([
      { op: 'replace', path: '/x', value: { big } },
    ]);
    expect(roundTrip({ constructor: 1, big }, { constructor: 2, big })).toEqual([
      { op: 'replace', path: '/', value: { constructor: 2, big } },
    ]);
  });

  it('never puts a numeric-looking object key in a path (enigma.js reads it as an index)', () => {
    const big = range(40);
    for (const key of ['0', '1', '1.0', '', ' ', '0x1', 'Infinity']) {
      const ops = roundTrip({ o: { [key]: { v: 1 }, big } }, { o: { [key]: { v: 2 }, big } });
      expect(ops).toEqual([{ op: 'replace', path: '/o', value: { [key]: { v: 2 }, big } }]);
    }
    // Array indices are fine, and so is adding a key that shadows an Object.prototype member.
    expect(roundTrip({ o: { big } }, { o: { big, toString: { v: 1 } } })).toEqual([
      { op: 'add', path: '/o/toString', value: { v: 1 } },
    ]);
  });

  it('removes and re-adds an object holding _ or $$ keys instead of replacing it in place', () => {
    // enigma.js empties an object replaced in place except its `_…`/`$$…` keys, then deep-merges the new one.
    const a = { o: { _x: { a: 1 }, 'a/b': 1 }, big: range(40) };
    const b = { o: { _x: { b: 2 }, 'a/b': 2 }, big: range(40) };
    expect(roundTrip(a, b)).toEqual([
      { op: 'remove', path: '/o' },
      { op: 'add', path: '/o', value: b.o },
    ]);
    expect(roundTrip({ _x: 1, $$y: 2, 'a/b': 1 }, { 'a/b': 2 })).toEqual([
      { op: 'remove', path: '/_x' },
      { op: 'remove', path: '/$$y' },
      { op: 'replace', path: '/', value: { 'a/b': 2 } },
    ]);
  });

  it('changes one cell of a 100×100 matrix with one operation', () => {
    const a = range(100).map((r) => range(100).map((c) => r * 100 + c));
    const b = a.map((row, r) => (r === 57 ? row.map((v, c) => (c === 33 ? -v : v)) : row.slice()));
    expect(roundTrip(a, b)).toEqual([{ op: 'replace', path: '/57/33', value: -5733 }]);
  });

  it('keeps hypercube page deltas small', () => {
    const a = page(1000, 10);
    const oneCell = page(1000, 10);
    const row = (oneCell.qMatrix as { qText: string }[][])[500];
    if (row?.[4]) row[4].qText = 'changed';
    expect(roundTrip(a, oneCell)).toEqual([{ op: 'replace', path: '/qMatrix/500/4/qText', value: 'changed' }]);
    // A page scrolled to other rows is a new matrix: one replacement, not one operation per cell.
    const scrolled = roundTrip(a, page(1000, 10, 1000, 13));
    expect(scrolled.map((op) => op.path)).toEqual(['/qMatrix', '/qArea/qTop']);
  });

  it('is fast on a 10 000-cell page', () => {
    const a = page(1000, 10);
    const same = page(1000, 10);
    const selected = page(1000, 10);
    for (const cells of selected.qMatrix as { qState: string }[][]) if (cells[0]) cells[0].qState = 'S';
    const scrolled = page(1000, 10, 1000, 13);
    const time = (b: unknown): number => {
      const started = performance.now();
      for (let i = 0; i < 5; i++) jsonPatchDiff(a, b);
      return (performance.now() - started) / 5;
    };
    time(same); // warm-up
    const timings = { equal: time(same), oneColumn: time(selected), scrolled: time(scrolled) };
    expect(jsonPatchDiff(a, selected)).toHaveLength(1000);
    // Generous bound for slow CI machines; typical figures are a few milliseconds.
    for (const ms of Object.values(timings)) expect(ms).toBeLessThan(250);
  });

  it('rebuilds the new value from the old one for 2000 random pairs', () => {
    const generate = new JsonGenerator(20_260_105);
    for (let i = 0; i < 2000; i++) {
      const [a, b] = generate.pair('any');
      const ops = roundTrip(a, b);
      for (const op of ops) {
        const segments = op.path === '/' ? [] : op.path.slice(1).split('/');
        for (const segment of segments) expect(['__proto__', 'constructor', 'prototype']).not.toContain(segment);
      }
    }
  });
});

describe('applyJsonPatch', () => {
  it('replaces the root at /, keeping the reference of a same-kind container', () => {
    const list = [1, 2];
    expect(applyJsonPatch(list, [{ op: 'replace', path: '/', value: [3] }])).toBe(list);
    expect(list).toEqual([3]);
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/', value: 'x' }])).toBe('x');
  });

  it('rejects prototype names in paths as enigma.js does', () => {
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/x', value: 1 }])).toThrow(/Unsafe key/);
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/constructor', value: 1 }])).toThrow(/Unsafe key/);
  });

  it('does not unescape ~1 (enigma.js 2.15 does not either)', () => {
    expect(applyJsonPatch({ 'a/b': 1 }, [{ op: 'replace', path: '/a~1b', value: 2 }])).toEqual({ 'a/b': 1, 'a~1b': 2 });
  });
});

/**
 * The real client: enigma.js over a fake socket that answers EngineVersion with the patches under test, so its
 * delta interceptor applies them to its cached value exactly as it would with the engine.
 */
describe('with enigma.js applying the patches', () => {
  let respond: JsonPatchOp[] = [];
  let close: () => Promise<void> = async () => {};
  let engineVersion: () => Promise<unknown> = async () => undefined;
  let getDocList: () => Promise<unknown> = async () => undefined;

  beforeAll(async () => {
    const socket = {
      OPEN: 1,
      readyState: 1,
      onopen: undefined as ((event: unknown) => void) | undefined,
      onmessage: undefined as ((event: { data: string }) => void) | undefined,
      onclose: undefined as ((event: unknown) => void) | undefined,
      onerror: undefined as ((event: unknown) => void) | undefined,
      send(data: string): void {
        const request = JSON.parse(data) as { id: number; method: string };
        // Each method has its own cache entry in enigma.js: its single out-key.
        const key = request.method === 'GetDocList' ? 'qDocList' : 'qVersion';
        const frame = { jsonrpc: '2.0', id: request.id, delta: true, result: { [key]: respond } };
        const text = JSON.stringify(frame);
        setImmediate(() => socket.onmessage?.({ data: text }));
      },
      close(): void {
        setImmediate(() => socket.onclose?.({ code: 1000, reason: '' }));
      },
    };
    setImmediate(() => socket.onopen?.({}));
    const session = enigma.create({
      schema,
      url: 'ws://fake/app/',
      createSocket: () => socket as unknown as WebSocket,
    });
    const global = (await session.open()) as unknown as {
      engineVersion(): Promise<unknown>;
      getDocList(): Promise<unknown>;
    };
    engineVersion = () => global.engineVersion();
    getDocList = () => global.getDocList();
    close = () => session.close();
  });

  afterAll(async () => {
    await close();
  });

  it('ends up with every value of a random sequence of layouts', async () => {
    const generate = new JsonGenerator(7);
    let previous = generate.value(0, 'object');
    respond = [{ op: 'add', path: '/', value: previous }];
    expect(sameJson(await engineVersion(), previous)).toBe(true);
    for (let i = 0; i < 500; i++) {
      const next = generate.chance(0.1) ? generate.value(0, 'object') : generate.mutate(previous);
      respond = jsonPatchDiff(previous, next);
      const received = await engineVersion();
      if (!sameJson(received, next)) {
        throw new Error(
          `step ${i}: enigma.js has ${JSON.stringify(received)}, expected ${JSON.stringify(next)} (ops ${JSON.stringify(respond)})`,
        );
      }
      previous = next;
    }
  });

  it('ends up with changed hypercube pages', async () => {
    let previous: unknown = [page(200, 10)];
    respond = [{ op: 'add', path: '/', value: previous }];
    await getDocList();
    for (const next of [
      [page(200, 10, 0, 1)],
      [page(150, 10, 200)],
      [page(200, 10, 200), page(20, 12)],
      [page(20, 12)],
    ]) {
      respond = jsonPatchDiff(previous, next);
      expect(sameJson(await getDocList(), next)).toBe(true);
      previous = next;
    }
  });
});
