/** One JSON-Patch operation of a delta answer; the root is addressed as `/` (not RFC 6901's empty pointer). */
export type JsonPatchOp = { op: 'add' | 'remove' | 'replace'; path: string; value?: unknown };

type JsonObject = Record<string, unknown>;

/** Path segments enigma.js refuses (prototype pollution guard): a patch through them rejects the whole answer. */
const UNSAFE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rough size of an operation's envelope (`{"op":"replace","path":…,"value":…}`) in value nodes, the unit of
 * {@link weight} (a node is about a cell field such as `"qText":"abc"`, ~14 bytes), plus half a node per path
 * segment. Only the ratios matter: they decide when replacing a container is smaller than patching inside it.
 */
const OP_COST = 3;
const SEGMENT_COST = 0.5;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether an object key may appear as a path segment. enigma.js 2.15 (`JSONPatch.apply`) splits paths on `/`
 * without unescaping `~0`/`~1`, reads a numeric-looking segment as an index (`+key`: "", "1.0", "0x1", " ")
 * and refuses the prototype names. An RFC 6901-escaped pointer through such a key would corrupt its cache, so
 * a change at or under such a key is sent as a replacement of the object that holds it, which every client
 * applies the same way.
 */
function isPathKey(key: string): boolean {
  return !looksNumeric(key) && !key.includes('/') && !key.includes('~') && !UNSAFE_SEGMENTS.has(key);
}

/** `!isNaN(+key)`, skipping the number parse for keys that start with a letter other than I(nfinity), `_` or `$`. */
function looksNumeric(key: string): boolean {
  const first = key.charCodeAt(0);
  const letter =
    (first >= 65 && first <= 90 && first !== 73) || (first >= 97 && first <= 122) || first === 95 || first === 36;
  return !letter && !Number.isNaN(Number(key));
}

/** Keys enigma.js keeps when it replaces an object in place (its `emptyObject` skips them). */
function isRetainedKey(key: string): boolean {
  return key.startsWith('_') || key.startsWith('$$');
}

/** Deep equality of JSON values, stopping at the first difference. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const x = a as JsonObject;
  const y = b as JsonObject;
  // Own-property check: `y.constructor` or `y.__proto__` would otherwise read the prototype chain.
  for (const key of keys) if (!Object.hasOwn(y, key) || !deepEqual(x[key], y[key])) return false;
  return true;
}

/** Number of nodes of a JSON value (1 per scalar, 1 + children per container), counting no further than `limit + 1`. */
function weight(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  const counter = { count: 0, limit };
  countNodes(value, counter);
  return counter.count;
}

function countNodes(value: unknown, counter: { count: number; limit: number }): void {
  counter.count++;
  if (counter.count > counter.limit || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) {
      countNodes(item, counter);
      if (counter.count > counter.limit) return;
    }
    return;
  }
  for (const key in value) {
    countNodes((value as JsonObject)[key], counter);
    if (counter.count > counter.limit) return;
  }
}

/**
 * Builds the operations for one value. The path is a segment stack turned into a string only when an operation
 * is emitted (siblings reuse their parent's prefix), so unchanged subtrees cost a comparison and no string work.
 * Each diff returns the size of the operations it emitted, which lets a container weigh "patch inside" against
 * "replace me" and take back its children's operations.
 */
class PatchBuilder {
  readonly ops: JsonPatchOp[] = [];
  readonly #segments: (string | number)[] = [];
  /** `#prefixes[i]` is the path of the first i segments, valid for i ≤ `#valid`: siblings share their parent's. */
  readonly #prefixes: string[] = [''];
  #valid = 0;

  #push(segment: string | number): void {
    if (this.#valid > this.#segments.length) this.#valid = this.#segments.length;
    this.#segments.push(segment);
  }

  #path(): string {
    const depth = this.#segments.length;
    if (depth === 0) return '/';
    for (let i = this.#valid; i < depth; i++) this.#prefixes[i + 1] = `${this.#prefixes[i]}/${this.#segments[i]}`;
    this.#valid = depth;
    return this.#prefixes[depth] ?? '/';
  }

  /** Size of an operation at the current path, without its value. */
  #envelope(): number {
    return OP_COST + SEGMENT_COST * this.#segments.length;
  }

  #emit(op: JsonPatchOp['op'], value?: unknown): number {
    if (op === 'remove') {
      this.ops.push({ op, path: this.#path() });
      return this.#envelope();
    }
    this.ops.push({ op, path: this.#path(), value });
    return this.#envelope() + (typeof value === 'object' && value !== null ? weight(value) : 1);
  }

  // Plain push/pop around each step, no callback: this runs for every node of a changed layout.

  #diffAt(segment: string | number, a: unknown, b: unknown): number {
    this.#push(segment);
    const cost = this.diff(a, b);
    this.#segments.pop();
    return cost;
  }

  #emitAt(segment: string | number, op: JsonPatchOp['op'], value?: unknown): number {
    this.#push(segment);
    const cost = this.#emit(op, value);
    this.#segments.pop();
    return cost;
  }

  diff(a: unknown, b: unknown): number {
    if (a === b) return 0;
    if (Array.isArray(a) && Array.isArray(b)) return this.#diffArrays(a, b);
    if (isObject(a) && isObject(b)) return this.#diffObjects(a, b);
    return this.#replace(a, b);
  }

  /**
   * Replaces the value at the current path, in a form enigma.js applies faithfully. enigma.js replaces an object
   * by an object in place: it empties the old one except keys starting with `_` or `$$`, then deep-merges the new
   * one. Where the old object has such keys, a remove + add (or, at the root, removing them first) avoids
   * stale or merged leftovers.
   */
  #replace(a: unknown, b: unknown): number {
    const inPlace = isObject(a) && isObject(b) && Object.keys(a).some(isRetainedKey);
    if (this.#segments.length === 0) {
      let cost = 0;
      if (inPlace) {
        for (const key of Object.keys(a)) {
          if (isRetainedKey(key) && isPathKey(key)) cost += this.#emitAt(key, 'remove');
        }
      }
      return cost + this.#emit('replace', b);
    }
    const inArray = typeof this.#segments[this.#segments.length - 1] === 'number';
    if (inPlace && !inArray) return this.#emit('remove') + this.#emit('add', b);
    return this.#emit('replace', b);
  }

  /** Replaces the container instead of the operations emitted since `start` when that is no bigger. */
  #collapse(start: number, cost: number, a: unknown, b: unknown): number {
    if (cost === 0) return 0;
    const envelope = this.#envelope();
    const replaceCost = envelope + weight(b, cost - envelope);
    if (replaceCost > cost) return cost;
    // At the root, keys enigma.js can neither empty nor remove (`__proto__`) would survive an in-place
    // replacement: keep the finer operations there.
    if (this.#segments.length === 0 && isObject(a)) {
      if (Object.keys(a).some((key) => isRetainedKey(key) && !isPathKey(key))) return cost;
    }
    this.ops.length = start;
    return this.#replace(a, b);
  }

  /** Objects: key by key. A key whose value is undefined counts as absent, as it does once serialised. */
  #diffObjects(a: JsonObject, b: JsonObject): number {
    const start = this.ops.length;
    let cost = 0;
    for (const key of Object.keys(b)) {
      const next = b[key];
      if (next === undefined) continue;
      const known = Object.hasOwn(a, key) && a[key] !== undefined;
      if (known && a[key] === next) continue;
      if (!isPathKey(key)) {
        if (known && deepEqual(a[key], next)) continue;
        this.ops.length = start;
        return this.#replace(a, b);
      }
      cost += known ? this.#diffAt(key, a[key], next) : this.#emitAt(key, 'add', next);
    }
    for (const key of Object.keys(a)) {
      if (a[key] === undefined || (Object.hasOwn(b, key) && b[key] !== undefined)) continue;
      if (!isPathKey(key)) {
        this.ops.length = start;
        return this.#replace(a, b);
      }
      cost += this.#emitAt(key, 'remove');
    }
    return this.#collapse(start, cost, a, b);
  }

  /**
   * Arrays: the common prefix and suffix stay; the middle is diffed pairwise, then surplus old elements are
   * removed from the highest index down (so each index is still valid when applied) and new ones added in
   * ascending order, before the suffix.
   */
  #diffArrays(a: unknown[], b: unknown[]): number {
    const start = this.ops.length;
    const shorter = Math.min(a.length, b.length);
    let prefix = 0;
    while (prefix < shorter && deepEqual(a[prefix], b[prefix])) prefix++;
    let suffix = 0;
    while (suffix < shorter - prefix && deepEqual(a[a.length - 1 - suffix], b[b.length - 1 - suffix])) suffix++;
    const oldMiddle = a.length - prefix - suffix;
    const newMiddle = b.length - prefix - suffix;
    const paired = Math.min(oldMiddle, newMiddle);
    let cost = 0;
    for (let i = prefix; i < prefix + paired; i++) cost += this.#diffAt(i, a[i], b[i]);
    for (let i = prefix + oldMiddle - 1; i >= prefix + paired; i--) cost += this.#emitAt(i, 'remove');
    for (let i = prefix + paired; i < prefix + newMiddle; i++) cost += this.#emitAt(i, 'add', b[i]);
    return this.#collapse(start, cost, a, b);
  }
}

/**
 * The delta the engine sends for one result key: JSON-Patch operations that turn `previous` (the value last sent
 * on this connection for the same handle, method and key) into `next`; `[]` when they are equal.
 *
 * Both values must exist (for a first answer the caller sends `[{op: 'add', path: '/', value}]`) and be plain JSON
 * that is not mutated afterwards: operations share subtrees with `next`, and identical references are taken as
 * unchanged. A changed root of another type is replaced at `/`. Operations are kept small: unchanged array
 * prefixes and suffixes are skipped, and a container is replaced whole when that is no bigger than patching inside
 * it (a fully new hypercube page is one operation, one changed cell is one operation). Paths never run through
 * keys enigma.js cannot address (prototype names, keys holding `/` or `~`, numeric-looking keys): the object
 * holding such a key is replaced instead.
 *
 * @example
 * jsonPatchDiff({ qText: 'a', qNum: 1 }, { qText: 'b', qNum: 1 });
 * // [{ op: 'replace', path: '/qText', value: 'b' }]
 */
export function jsonPatchDiff(previous: unknown, next: unknown): JsonPatchOp[] {
  const builder = new PatchBuilder();
  builder.diff(previous, next);
  return builder.ops;
}

// ---- applying (tests): enigma.js 2.15 `JSONPatch.apply` semantics ----

function setOwn(target: JsonObject, key: string, value: unknown): void {
  // Assigning `__proto__` would set the prototype; JSON.parse makes it an own property, and so does enigma.js.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** A copy as the wire delivers it: fresh objects, `__proto__` kept as an own key. */
function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) setOwn(copy, key, cloneJson(value[key]));
  return copy;
}

/** enigma.js's deep `extend(true, target, source)`: merges into same-kind containers already in `target`. */
function extendDeep(target: JsonObject | unknown[], source: JsonObject | unknown[]): void {
  const into = target as JsonObject;
  for (const key of Object.keys(source)) {
    const existing = Object.hasOwn(into, key) ? into[key] : undefined;
    const copy = (source as JsonObject)[key];
    if (copy === target) continue;
    if (Array.isArray(copy)) {
      const clone = Array.isArray(existing) ? existing : [];
      extendDeep(clone, copy);
      setOwn(into, key, clone);
    } else if (isObject(copy)) {
      const clone = isObject(existing) ? existing : {};
      extendDeep(clone, copy);
      setOwn(into, key, clone);
    } else if (copy !== undefined) {
      setOwn(into, key, copy);
    }
  }
}

/** enigma.js replaces an object in place: it deletes every key but `_…`/`$$…` ones, then deep-merges the new value. */
function replaceObjectInPlace(target: JsonObject, value: JsonObject): void {
  for (const key of Object.keys(target)) if (!isRetainedKey(key)) delete target[key];
  extendDeep(target, value);
}

/** enigma.js keeps the array reference: empties it and pushes the new elements (no spread: pages are large). */
function refill(target: unknown[], items: readonly unknown[]): void {
  target.length = 0;
  for (const item of items) target.push(item);
}

function assertSafe(segment: string): void {
  if (UNSAFE_SEGMENTS.has(segment)) throw new Error(`Unsafe key in patch path: ${segment}`);
}

/**
 * Applies operations the way enigma.js 2.15 applies a delta answer (`JSONPatch.apply`), for tests: segments are not
 * unescaped, a numeric-looking segment is used as an index, prototype names throw, an array or object replaced
 * by one of the same kind is updated in place (objects keep their `_…`/`$$…` keys), and `/` addresses the root.
 * Mutates `target` where it can and returns the result. Where enigma.js cannot replace the root (its type changes)
 * the value simply becomes the new root.
 *
 * @example
 * applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/a', value: 2 }]); // { a: 2 }
 */
export function applyJsonPatch(target: unknown, ops: readonly JsonPatchOp[]): unknown {
  let root = target;
  for (const op of ops) {
    const value = cloneJson(op.value);
    if (op.path === '/') {
      if (op.op === 'remove') throw new Error('cannot remove the root');
      if (Array.isArray(root) && Array.isArray(value)) refill(root, value);
      else if (isObject(root) && isObject(value)) replaceObjectInPlace(root, value);
      else root = value;
      continue;
    }
    const parts = op.path.substring(1).split('/');
    const key = parts.pop() ?? '';
    let parent: unknown = root;
    for (const part of parts) {
      assertSafe(part);
      if (typeof parent !== 'object' || parent === null) throw new Error(`no container at ${part} in ${op.path}`);
      const container = parent as JsonObject;
      // enigma.js indexes with `+part || part`: "1.0" reads as 1, "0" and "" stay strings.
      const number = Number(part);
      const index = Number.isNaN(number) || number === 0 ? part : String(number);
      if (container[index] === undefined) container[index] = Number.isNaN(number) ? {} : [];
      else container[index] = container[part];
      parent = container[index];
    }
    assertSafe(key);
    if (typeof parent !== 'object' || parent === null) throw new Error(`no container for ${op.path}`);
    if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as JsonObject)[key];
      continue;
    }
    if (Array.isArray(parent)) {
      parent.splice(key === '-' ? parent.length : Number(key), op.op === 'add' ? 0 : 1, value);
      continue;
    }
    const holder = parent as JsonObject;
    const number = Number(key);
    // enigma.js: `key && isNaN(+key) ? parent[key] : parent[+key] || parent`.
    const current = key !== '' && Number.isNaN(number) ? holder[key] : holder[number] || holder;
    if (Array.isArray(current) && Array.isArray(value)) refill(current, value);
    else if (isObject(current) && isObject(value)) replaceObjectInPlace(current, value);
    else holder[key] = value;
  }
  return root;
}
