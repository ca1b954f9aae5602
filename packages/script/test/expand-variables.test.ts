import { describe, expect, it } from 'vitest';
import { expand, findExpansions } from '../src/index.js';

describe('expand', () => {
  it('replaces known variables textually, anywhere (inside quotes and brackets too)', () => {
    expect(
      expand("FROM [$(vPath)/Sales_$(vYear).qvd] WHERE y = '$(vYear)'", { vPath: 'lib://QVDs', vYear: '2024' }),
    ).toBe("FROM [lib://QVDs/Sales_2024.qvd] WHERE y = '2024'");
  });

  it('accepts a Map as the environment', () => {
    expect(
      expand(
        '$(a)-$(b)',
        new Map([
          ['a', '1'],
          ['b', '2'],
        ]),
      ),
    ).toBe('1-2');
  });

  it('keeps unknown variables as placeholders by default, or removes them like the engine', () => {
    expect(expand('x$(vMissing)y', {})).toBe('x$(vMissing)y');
    expect(expand('x$(vMissing)y', {}, { unknown: 'empty' })).toBe('xy');
  });

  it('expands nested expansions first, and values that contain expansions', () => {
    const env = { i: '2', v2: 'two', vAlias: '$(v$(i))' };
    expect(expand('$(v$(i))', env)).toBe('two');
    expect(expand('$(vAlias)!', env)).toBe('two!');
  });

  it('substitutes $1, $2 … in parameterised variables', () => {
    expect(expand('$(vMul(Sales, 1.25))', { vMul: '$1 * $2' })).toBe('Sales * 1.25');
    expect(expand('$(vPct(x))', { vPct: 'Num($1, $2)' })).toBe('Num(x, $2)');
  });

  it('evaluates $(=expr) only through options.evaluate', () => {
    expect(expand('$(=1+1)', {})).toBe('$(=1+1)');
    expect(expand('$(=1+1)', {}, { evaluate: (e) => (e === '1+1' ? '2' : undefined) })).toBe('2');
  });

  it('leaves include directives alone', () => {
    expect(expand('$(Include=$(vDir)/x.qvs)', { vDir: 'lib://S' })).toBe('$(Include=$(vDir)/x.qvs)');
  });

  it('terminates on self-referencing values', () => {
    expect(expand('$(a)', { a: '<$(a)>' }, { maxDepth: 3 })).toBe('<<<$(a)>>>');
    const doubled = expand('$(a)', { a: '$(a)$(a)' });
    expect(doubled.length).toBeGreaterThan(0);
  });

  it('leaves an unterminated $( alone', () => {
    expect(expand('x $(a', { a: '1' })).toBe('x $(a');
  });

  it('rejects bad arguments with TypeErrors', () => {
    expect(() => expand('x', null as unknown as Record<string, string>)).toThrow(
      new TypeError('expand: env must be an object or a Map of variable values, got null'),
    );
    expect(() => expand('x', {}, { unknown: 'drop' as 'keep' })).toThrow(
      new TypeError("expand: options.unknown must be 'keep' or 'empty', got drop"),
    );
  });
});

describe('findExpansions', () => {
  it('lists the top-level expansions with their offsets', () => {
    expect(findExpansions('[$(vPath)/x_$(v$(i)).qvd] $(broken')).toEqual([
      { start: 1, end: 9, inner: 'vPath' },
      { start: 12, end: 20, inner: 'v$(i)' },
    ]);
  });
});
