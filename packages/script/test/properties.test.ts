import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node, Script } from '../src/index.js';
import { parseExpression, parseScript, printExpression, printScript, tokenize, visit } from '../src/index.js';
import { scriptText, trees } from './arbitraries.js';
import { demoScripts, fixture, withoutSpans } from './helpers.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(withoutSpans(a)) === JSON.stringify(withoutSpans(b));

/** Every span lies inside the text and starts before it ends. */
function spansAreSane(ast: Script, length: number): boolean {
  let ok = true;
  visit(ast, (n: Node) => {
    const { start, end } = n.span;
    if (start.offset < 0 || end.offset > length || start.offset > end.offset || start.line < 1 || start.column < 1)
      ok = false;
    return undefined;
  });
  return ok;
}

describe('property: printing and re-parsing gives the same tree', () => {
  it('for generated expression trees: parse(print(ast)) equals ast', () => {
    fc.assert(
      fc.property(trees.expression, (ast) => {
        const printed = printExpression(ast);
        const r = parseExpression(printed);
        expect(r.diagnostics).toEqual([]);
        expect(withoutSpans(r.ast)).toEqual(withoutSpans(ast));
      }),
      { numRuns: 1500 },
    );
  });

  it('for scripts generated from the statement grammar: no diagnostics, and print → parse is the identity', () => {
    fc.assert(
      fc.property(scriptText, (text) => {
        const first = parseScript(text);
        expect(first.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
        const printed = printScript(first.ast);
        const second = parseScript(printed);
        expect(second.diagnostics).toEqual([]);
        expect(withoutSpans(second.ast)).toEqual(withoutSpans(first.ast));
        expect(printScript(second.ast)).toBe(printed);
      }),
      { numRuns: 400 },
    );
  });
});

// Characters that matter to the grammar, so random text reaches the parser's corners.
const qlikChars = [...'\'"[]`(){}<>=;:,.$*/+-&\\ \n\t\r#%@_aAzZ09'];
const qlikText = fc.oneof(
  fc.string({ maxLength: 200, unit: fc.constantFrom(...qlikChars) }),
  fc
    .array(
      fc.constantFrom(
        'LOAD',
        'SQL',
        'SELECT',
        'FROM',
        'IF',
        'THEN',
        'END',
        'FOR',
        'NEXT',
        'DO',
        'LOOP',
        'SUB',
        'SWITCH',
        'CASE',
        'REM',
        'TRACE',
        'SET',
        'LET',
        'JOIN',
        'INLINE',
        'WHERE',
        '$(',
        ')',
        '(',
        '[',
        ']',
        ';',
        "'",
        '"',
        '{<',
        '>}',
        '//',
        '/*',
        '*/',
        '\n',
        ' ',
        'x',
        ':',
        ',',
        '=',
        '$(Include=',
        'ELSE',
        'TOTAL',
        'DISTINCT',
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(' ')),
  fc.string({ maxLength: 100, unit: 'binary' }),
);

const baseScripts = [...Object.values(demoScripts()), fixture('ctrl00.qvs'), fixture('all-statements.qvs')];

type Mutation = { op: 'insert' | 'delete' | 'swap' | 'duplicate' | 'cut'; at: number; length: number; char: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('insert', 'delete', 'swap', 'duplicate', 'cut'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 40 }),
  char: fc.oneof(fc.constantFrom(...qlikChars), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })),
});

function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const i = Math.min(t.length, Math.floor(m.at * t.length));
    switch (m.op) {
      case 'insert':
        t = t.slice(0, i) + m.char + t.slice(i);
        break;
      case 'delete':
        t = t.slice(0, i) + t.slice(i + 1);
        break;
      case 'swap':
        if (i + 1 < t.length) t = t.slice(0, i) + t[i + 1] + t[i] + t.slice(i + 2);
        break;
      case 'duplicate':
        t = t.slice(0, i) + t.slice(i, i + m.length) + t.slice(i);
        break;
      case 'cut':
        t = t.slice(0, i) + t.slice(i + m.length);
        break;
    }
  }
  return t;
}

/** What must hold for any input: no exception, sane spans, printable, and (when clean) stable. */
function checkScript(text: string): void {
  const r = parseScript(text);
  expect(spansAreSane(r.ast, text.length)).toBe(true);
  for (const d of r.diagnostics) {
    expect(d.span.start.offset).toBeGreaterThanOrEqual(0);
    expect(d.span.end.offset).toBeLessThanOrEqual(text.length);
  }
  expect(r.diagnostics.map((d) => d.code)).not.toContain('internal-error');
  const printed = printScript(r.ast);
  if (!r.diagnostics.some((d) => d.severity === 'error')) {
    expect(same(parseScript(printed).ast, r.ast)).toBe(true);
  }
  parseScript(text, { variables: { v: 'x', vPath: 'lib://a', vLoop: '$(vLoop)' } });
  tokenize(text);
}

describe('property: parsing never throws and always finishes', () => {
  it('on random text', () => {
    fc.assert(
      fc.property(qlikText, (text) => {
        checkScript(text);
        const e = parseExpression(text);
        expect(e.ast.kind).toBeTypeOf('string');
        printExpression(e.ast);
      }),
      { numRuns: 1500 },
    );
  });

  it('on real scripts with random insertions, deletions, swaps and cuts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...baseScripts),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (base, mutations) => {
          checkScript(mutate(base, mutations));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('on real scripts cut at every statement boundary', () => {
    for (const base of baseScripts) {
      for (let i = base.indexOf(';'); i >= 0; i = base.indexOf(';', i + 1)) {
        checkScript(base.slice(0, i));
        checkScript(base.slice(i + 1));
      }
    }
  });

  it('on pathological inputs: deep nesting, long runs and unbalanced quotes', () => {
    for (const text of [
      `LOAD ${'('.repeat(3000)}a${')'.repeat(3000)} AUTOGENERATE 1;`,
      'IF a THEN\n'.repeat(2000),
      'END IF\n'.repeat(2000),
      `LOAD ${'-'.repeat(3000)}a AUTOGENERATE 1;`,
      `${"'".repeat(3001)}`,
      `${'$('.repeat(2000)}`,
      `${'[a'.repeat(2000)}`,
      `Sum(${'{<a={'.repeat(500)}`,
      'LOAD;'.repeat(2000),
      ';'.repeat(5000),
    ]) {
      checkScript(text);
      parseExpression(text);
    }
  });
});
