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

  it('keeps a JSON "__proto__" key as data', () => {
    const out = freezeShared(undefined, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
