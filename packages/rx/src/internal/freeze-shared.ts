/**
 * The immutability policy: every value rx emits is **deep-frozen and structurally shared** with the
 * previous value of the same stream. `next` (what enigma.js returned) is never modified — a frozen
 * copy is built — and every subtree equal to the one emitted before is replaced by that very
 * (already frozen) object. So unchanged parts keep their identity (cheap `===` checks in UIs), and
 * a refetch that changed nothing returns `previous` itself (the stream then emits nothing).
 *
 * Values rx built itself (an earlier result of this function, passed on by an inner rx stream) are
 * adopted instead of copied: their nodes are already frozen and rx's own, so only the nodes that
 * mix old and new children are built. A value that was built against this very `previous` is
 * returned as it is. Stacking `immutable()` on an rx stream therefore costs a walk of what changed
 * at most, not a second copy of the layout.
 *
 * `fresh`: `next` is a tree nobody else holds — what `JSON.parse` made of an answer rx requested
 * itself ({@link directGetter}). Its nodes are then frozen in place instead of copied, and the
 * subtrees equal to `previous`'s are swapped in: no allocation at all.
 */
export function freezeShared<T>(previous: unknown, next: T, fresh = false): T {
  if (typeof next !== 'object' || next === null) return next;
  if (previous !== undefined && basis.get(next) === previous) return next;
  const own = built.has(next);
  const result = fresh && !own && !Object.isFrozen(next) ? adopt(previous, next) : share(previous, next, own);
  if (typeof result === 'object' && result !== null) {
    built.add(result);
    if (previous !== undefined && result !== previous && typeof previous === 'object') basis.set(result, previous);
  }
  return result as T;
}

/** Roots of the values this function returned (their every node is frozen and rx's own). */
const built = new WeakSet<object>();
/** The `previous` each of those roots was shared with. */
const basis = new WeakMap<object, unknown>();

// (not Object.hasOwn: the UMD bundle targets browsers from 2018 on)
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `previous` is always rx's own frozen output: meeting it again means nothing changed below. The
 * result is `previous`'s node while every child matches it, `next`'s node while it is rx's own
 * (`own`) and every child is its own child, and a new frozen node from the first child that fits
 * neither — so nothing is allocated for an unchanged subtree.
 */
function share(previous: unknown, next: unknown, own: boolean): unknown {
  if (previous === next || typeof next !== 'object' || next === null) return next;
  return Array.isArray(next)
    ? shareArray(previous, next, own)
    : shareObject(previous, next as Readonly<Record<string, unknown>>, own);
}

function shareArray(previous: unknown, next: readonly unknown[], own: boolean): unknown {
  const before = Array.isArray(previous) ? (previous as readonly unknown[]) : undefined;
  const length = next.length;
  let asBefore = before !== undefined && before.length === length;
  let asNext = own;
  let out: unknown[] | undefined;
  for (let i = 0; i < length; i++) {
    const value = next[i];
    // Primitives need no recursion (most leaves of a layout are).
    const item =
      typeof value !== 'object' || value === null
        ? value
        : share(before !== undefined && i < before.length ? before[i] : undefined, value, own);
    if (out !== undefined) {
      if (item !== value) out[i] = item;
      continue;
    }
    const fitsBefore = asBefore && item === (before as readonly unknown[])[i];
    const fitsNext = asNext && item === value;
    if (fitsBefore || fitsNext) {
      asBefore = fitsBefore;
      asNext = fitsNext;
      continue;
    }
    // A packed copy of the right length: only items that differ from `next`'s are written. The
    // items so far are those of the candidate still standing.
    out = next.slice();
    if (asBefore) {
      for (let j = 0; j < i; j++) {
        const kept = (before as readonly unknown[])[j];
        if (kept !== next[j]) out[j] = kept;
      }
    }
    out[i] = item;
  }
  if (out === undefined) {
    if (asBefore) return before;
    if (asNext) return next;
    out = [];
  }
  return Object.freeze(out);
}

function shareObject(previous: unknown, next: Readonly<Record<string, unknown>>, own: boolean): unknown {
  const before =
    typeof previous === 'object' && previous !== null && !Array.isArray(previous)
      ? (previous as Readonly<Record<string, unknown>>)
      : undefined;
  const keys = Object.keys(next);
  let asBefore = before !== undefined && Object.keys(before).length === keys.length;
  let asNext = own;
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = next[key];
    const had = before !== undefined && hasOwn.call(before, key);
    const item =
      typeof value !== 'object' || value === null
        ? value
        : share(had ? (before as Readonly<Record<string, unknown>>)[key] : undefined, value, own);
    if (out !== undefined) {
      if (item !== value) put(out, key, item);
      continue;
    }
    const fitsBefore = asBefore && had && item === (before as Readonly<Record<string, unknown>>)[key];
    const fitsNext = asNext && item === value;
    if (fitsBefore || fitsNext) {
      asBefore = fitsBefore;
      asNext = fitsNext;
      continue;
    }
    // A clone of `next`'s shape (every key in place, so the copy stays as compact as what JSON.parse
    // built, instead of growing a property store key by key); only values that differ from
    // `next`'s are written — the ones so far from the candidate still standing, the rest below.
    out = { ...next };
    if (asBefore) {
      for (let j = 0; j < i; j++) {
        const earlier = keys[j] as string;
        const kept = (before as Readonly<Record<string, unknown>>)[earlier];
        if (kept !== next[earlier]) put(out, earlier, kept);
      }
    }
    put(out, key, item);
  }
  if (out === undefined) {
    if (asBefore) return before;
    if (asNext) return next;
    out = {};
  }
  return Object.freeze(out);
}

/** Sets a key of an unfrozen object; JSON keys only, but `__proto__` stays an own data property (spread made it one). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * {@link share} for a fresh tree (see `fresh` above): `next`'s own nodes become the result, frozen
 * in place, with every subtree equal to `previous`'s replaced by it — and `previous` itself when
 * the whole node is equal.
 */
function adopt(previous: unknown, next: unknown): unknown {
  if (previous === next || typeof next !== 'object' || next === null) return next;
  return Array.isArray(next) ? adoptArray(previous, next) : adoptObject(previous, next as Record<string, unknown>);
}

function adoptArray(previous: unknown, next: unknown[]): unknown {
  const before = Array.isArray(previous) ? (previous as readonly unknown[]) : undefined;
  const length = next.length;
  let same = before !== undefined && before.length === length;
  for (let i = 0; i < length; i++) {
    const value = next[i];
    if (typeof value === 'object' && value !== null) {
      const item = adopt(before !== undefined ? before[i] : undefined, value);
      if (item !== value) next[i] = item;
      if (same && item !== (before as readonly unknown[])[i]) same = false;
    } else if (same && value !== (before as readonly unknown[])[i]) {
      same = false;
    }
  }
  return same ? before : Object.freeze(next);
}

function adoptObject(previous: unknown, next: Record<string, unknown>): unknown {
  const before =
    typeof previous === 'object' && previous !== null && !Array.isArray(previous)
      ? (previous as Readonly<Record<string, unknown>>)
      : undefined;
  const keys = Object.keys(next);
  let same = before !== undefined && Object.keys(before).length === keys.length;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = next[key];
    const had = same && hasOwn.call(before, key);
    if (typeof value === 'object' && value !== null) {
      const item = adopt(before !== undefined && hasOwn.call(before, key) ? before[key] : undefined, value);
      if (item !== value) put(next, key, item);
      if (same && (!had || item !== (before as Readonly<Record<string, unknown>>)[key])) same = false;
    } else if (same && (!had || value !== (before as Readonly<Record<string, unknown>>)[key])) {
      same = false;
    }
  }
  return same ? before : Object.freeze(next);
}
