import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/index.js';

function kinds(text: string): string[] {
  return tokenize(text).tokens.map((t) => `${t.kind}:${t.value}`);
}

describe('tokenize', () => {
  it('splits a statement into identifiers, quoted names, operators and numbers', () => {
    expect(kinds("LOAD [Order Date] as d, \"x y\", `z`, 'it''s', 1.5e3 FROM t;")).toEqual([
      'identifier:LOAD',
      'bracketed:Order Date',
      'identifier:as',
      'identifier:d',
      'operator:,',
      'quoted:x y',
      'operator:,',
      'backtick:z',
      'operator:,',
      "string:it's",
      'operator:,',
      'number:1.5e3',
      'identifier:FROM',
      'identifier:t',
      'operator:;',
      'eof:',
    ]);
  });

  it('decodes doubled closing characters in quoted tokens', () => {
    expect(kinds(`[a]]b] "c""d"`).slice(0, 2)).toEqual(['bracketed:a]b', 'quoted:c"d']);
  });

  it('reads names with Qlik’s extra characters as one identifier', () => {
    expect(kinds('Date#(x) %Key $Table @1 Departments.DepartmentName Sales_$(vYear).qvd')).toEqual([
      'identifier:Date#',
      'operator:(',
      'identifier:x',
      'operator:)',
      'identifier:%Key',
      'identifier:$Table',
      'identifier:@1',
      'identifier:Departments.DepartmentName',
      'identifier:Sales_$(vYear).qvd',
      'eof:',
    ]);
  });

  it('reads dollar expansions, including nested parentheses and quotes', () => {
    expect(kinds("$(v) $(=Concat(F, ')')) $(f(a, b))")).toEqual([
      'dollar:v',
      "dollar:=Concat(F, ')')",
      'dollar:f(a, b)',
      'eof:',
    ]);
  });

  it('keeps lib:// in an unquoted path out of comments', () => {
    expect(kinds('FROM lib://Data/x.csv // real comment')).toEqual([
      'identifier:FROM',
      'identifier:lib',
      'operator::',
      'operator:/',
      'operator:/',
      'identifier:Data',
      'operator:/',
      'identifier:x.csv',
      'comment: real comment',
      'eof:',
    ]);
  });

  it('recognises two-character operators', () => {
    expect(kinds('<= >= <> << >> += -= *= /=').slice(0, 9)).toEqual([
      'operator:<=',
      'operator:>=',
      'operator:<>',
      'operator:<<',
      'operator:>>',
      'operator:+=',
      'operator:-=',
      'operator:*=',
      'operator:/=',
    ]);
  });

  it('turns REM at the start of a statement into a comment up to the next semicolon', () => {
    const { tokens } = tokenize("REM it's fine;\nLOAD Rem, x;");
    expect(tokens[0]).toMatchObject({ kind: 'comment', value: " it's fine", text: "REM it's fine;" });
    expect(tokens.slice(1, 4).map((t) => `${t.kind}:${t.value}`)).toEqual([
      'identifier:LOAD',
      'identifier:Rem',
      'operator:,',
    ]);
  });

  it('records line, column and offset of both ends, and line breaks before tokens', () => {
    const { tokens } = tokenize('a\r\n  bb /* x\n */ c');
    expect(tokens[1]).toMatchObject({
      value: 'bb',
      newlineBefore: true,
      span: { start: { line: 2, column: 3, offset: 5 }, end: { line: 2, column: 5, offset: 7 } },
    });
    expect(tokens[2]).toMatchObject({ kind: 'comment', newlineBefore: false });
    // The block comment spans a line break: c counts as on a new line.
    expect(tokens[3]).toMatchObject({ value: 'c', newlineBefore: true, span: { start: { line: 3, column: 5 } } });
  });

  it('reports unterminated strings, comments and expansions without throwing', () => {
    expect(tokenize("x = 'abc").diagnostics.map((d) => d.code)).toEqual(['unterminated-string']);
    expect(tokenize('/* abc').diagnostics.map((d) => d.code)).toEqual(['unterminated-comment']);
    const r = tokenize('LOAD $(v; x');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unterminated-expansion']);
    // The unterminated expansion stops before the `;`, so the statement still ends there.
    expect(r.tokens.map((t) => t.text)).toEqual(['LOAD', '$(v', ';', 'x', '']);
  });

  it('rejects a non-string argument with a TypeError', () => {
    expect(() => tokenize(42 as unknown as string)).toThrow(
      new TypeError('tokenize: text must be a string, got number'),
    );
  });
});
