import { describe, expect, it } from 'vitest';
import { freezeShared } from '../../src/internal/freeze-shared.js';

describe('freezeShared', () => {
  it('deep-freezes a copy and never touches the input', () => {
    const input = { a: { b: [1, { c: 'x' }] } };
    const out = freezeShared(undefined, input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(Object.isFrozen(out)).toBe(true);
    expect(Object.isFrozen(out.a.b[1])).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
  });

  it('returns the previous value itself when nothing changed', () => {
    const first = freezeShared(undefined, { a: [1, 2], b: { c: true } });
    expect(freezeShared(first, { a: [1, 2], b: { c: true } })).toBe(first);
  });

  it('keeps the identity of unchanged subtrees', () => {
    const first = freezeShared(undefined, { same: { deep: [1, 2] }, changed: { n: 1 }, list: [{ id: 1 }, { id: 2 }] });
    const second = freezeShared(first, { same: { deep: [1, 2] }, changed: { n: 2 }, list: [{ id: 1 }, { id: 3 }] });
    expect(second).not.toBe(first);
    expect(second.same).toBe(first.same);
    expect(second.changed).not.toBe(first.changed);
    expect(second.list[0]).toBe(first.list[0]);
    expect(second.list[1]).not.toBe(first.list[1]);
  });

  it('notices added and removed keys, and type changes', () => {
    const first = freezeShared(undefined, { a: 1 } as Record<string, unknown>);
    expect(freezeShared(first, { a: 1, b: 2 })).not.toBe(first);
    expect(freezeShared(first, {})).not.toBe(first);
    expect(freezeShared(freezeShared(undefined, [1]), { 0: 1 })).toEqual({ 0: 1 });
    expect(freezeShared(first, 'text')).toBe('text');
  });

  it("adopts rx's own frozen values instead of copying them (stacked immutable() streams)", () => {
    const first = freezeShared(undefined, { x: { y: 1 }, w: [1, 2] });
    expect(freezeShared(undefined, first)).toBe(first);
    // An inner stream's next value, already shared with the same previous value: taken as it is.
    const second = freezeShared(first, { x: { y: 1 }, w: [1, 3] });
    expect(freezeShared(first, second)).toBe(second);
    // A fresh inner value (e.g. after a handle was re-acquired): equal parts come from the outer
    // previous value, changed parts are the inner value's own, only the mixed node is new.
    const fresh = freezeShared(undefined, { x: { y: 1 }, w: [1, 4] });
    const mixed = freezeShared(second, fresh);
    expect(mixed).not.toBe(second);
    expect(mixed).not.toBe(fresh);
    expect(mixed.x).toBe(second.x);
    expect(mixed.w).toBe(fresh.w);
    expect(Object.isFrozen(mixed)).toBe(true);
    expect(freezeShared(second, freezeShared(undefined, { x: { y: 1 }, w: [1, 3] }))).toBe(second);
  });

  it('copies a frozen value it did not build', () => {
    const foreign = Object.freeze({ a: Object.freeze([1]) });
    const out = freezeShared(undefined, foreign);
    expect(out).toEqual(foreign);
    expect(out).not.toBe(foreign);
    expect(out.a).not.toBe(foreign.a);
  });

  it('keeps a JSON "__proto__" key as data', () => {
    const out = freezeShared(undefined, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('freezes a fresh tree in place, swapping in the subtrees equal to the previous value', () => {
    const first = freezeShared(
      undefined,
      { same: { deep: [1, 2] }, changed: { n: 1 }, rows: [{ id: 1 }, { id: 2 }] },
      true,
    );
    expect(Object.isFrozen(first.same.deep)).toBe(true);
    const next = JSON.parse('{"same":{"deep":[1,2]},"changed":{"n":2},"rows":[{"id":1},{"id":3}]}');
    const second = freezeShared(first, next, true);
    expect(second).toBe(next); // no copy: the fresh tree itself, frozen
    expect(Object.isFrozen(second.rows[1])).toBe(true);
    expect(second.same).toBe(first.same);
    expect(second.rows[0]).toBe(first.rows[0]);
    expect(second.changed).toEqual({ n: 2 });
    // Equal as a whole: the previous value itself.
    expect(freezeShared(second, JSON.parse(JSON.stringify(second)), true)).toBe(second);
    // A key named __proto__ stays a data property, and the prototype stays Object's.
    const prior = freezeShared(undefined, JSON.parse('{"__proto__":{"a":1},"b":1}'), true);
    const evil = freezeShared(prior, JSON.parse('{"__proto__":{"a":1},"b":2}'), true);
    expect(Object.getPrototypeOf(evil)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(evil, '__proto__')?.value).toBe(
      Object.getOwnPropertyDescriptor(prior, '__proto__')?.value,
    );
    // Frozen input is never mutated: it is copied as before.
    const foreign = Object.freeze({ x: Object.freeze([1]) });
    expect(freezeShared(undefined, foreign, true)).not.toBe(foreign);
  });

  it('takes a value built against this very previous value as it is (a second stage of the same stream)', () => {
    const first = freezeShared(undefined, { a: { b: 1 }, c: [1] });
    const second = freezeShared(first, { a: { b: 2 }, c: [1] });
    expect(freezeShared(first, second)).toBe(second);
    expect(freezeShared(second, second)).toBe(second);
  });
});
