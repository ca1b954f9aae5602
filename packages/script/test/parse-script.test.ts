import { describe, expect, it } from 'vitest';
import type { LoadQuery, LoadStatement, Statement } from '../src/index.js';
import { parseScript, printExpression } from '../src/index.js';
import { chainOf, expectRoundTrip, withoutSpans } from './helpers.js';

/** Parses a script that must be clean, returning its statements. */
function body(text: string): readonly Statement[] {
  const r = parseScript(text);
  expect(r.diagnostics).toEqual([]);
  expectRoundTrip(text);
  return r.ast.body;
}

function only(text: string): Statement {
  const b = body(text);
  expect(b).toHaveLength(1);
  return b[0] as Statement;
}

function load(text: string): LoadStatement {
  const st = only(text);
  if (st.kind !== 'LoadStatement') throw new Error(`expected a LoadStatement, got ${st.kind}`);
  return st;
}

function query(text: string): LoadQuery {
  const q = load(text).query;
  if (q.kind !== 'Load') throw new Error('expected a LOAD query');
  return q;
}

function codes(text: string): string[] {
  return parseScript(text).diagnostics.map((d) => d.code);
}

describe('parseScript: tabs, comments, variables', () => {
  it('keeps ///$tab markers and comments between statements, in order', () => {
    expect(body("///$tab Main\n// line\n/* block */\nREM it's a remark;\n").map((s) => withoutSpans(s))).toEqual([
      { kind: 'Tab', name: 'Main' },
      { kind: 'Comment', style: 'line', text: ' line' },
      { kind: 'Comment', style: 'block', text: ' block ' },
      { kind: 'Comment', style: 'rem', text: "it's a remark" },
    ]);
  });

  it('reads REM and TRACE text raw, even with unbalanced quotes', () => {
    expect(body("REM 'quoted remark;\nTRACE [unclosed bracket;")).toMatchObject([
      { kind: 'Comment', style: 'rem', text: "'quoted remark" },
      { kind: 'Trace', text: '[unclosed bracket' },
    ]);
  });

  it('reads SET values raw, and what the variable holds', () => {
    expect(body("SET a = 'x;y';\nSET b=3+4;\nSET c = [it's];\nSET d =;")).toMatchObject([
      { kind: 'Set', name: 'a', raw: "'x;y'", value: 'x;y' },
      { kind: 'Set', name: 'b', raw: '3+4', value: '3+4' },
      { kind: 'Set', name: 'c', raw: "[it's]", value: "it's" },
      { kind: 'Set', name: 'd', raw: '', value: '' },
    ]);
  });

  it('reads LET with an expression, and the keyword-less form that ends at the line end', () => {
    const [a, b, c] = body('LET a = Today() - 1;\nb = $(a) + 1\nLET c = ;');
    expect(a).toMatchObject({ kind: 'Let', name: 'a' });
    if (b?.kind !== 'Let' || b.expression === null) throw new Error('expected a LET with a value');
    expect(printExpression(b.expression)).toBe('$(a) + 1');
    expect(c).toMatchObject({ kind: 'Let', name: 'c', expression: null });
  });

  it('reads Include / Must_Include, with or without a semicolon', () => {
    expect(body('$(Include=lib://Scripts/a.qvs);\n$(Must_Include=[lib://Scripts/b c.qvs])\n')).toMatchObject([
      { kind: 'Include', path: 'lib://Scripts/a.qvs', must: false },
      { kind: 'Include', path: 'lib://Scripts/b c.qvs', must: true },
    ]);
  });

  it('keeps a statement-level expansion as an Expansion statement', () => {
    expect(only('$(vStatement);')).toMatchObject({ kind: 'Expansion', expansion: { name: 'vStatement' } });
  });

  it('is case-insensitive for keywords', () => {
    expect(withoutSpans(only('set x = 1;'))).toEqual(withoutSpans(only('SeT x = 1;')));
    expect(load('t: load a resident s;').label).toBe('t');
  });
});

describe('parseScript: LOAD', () => {
  it('reads labels, fields, aliases, * and DISTINCT', () => {
    const st = load('[My Table]:\nLOAD DISTINCT *, [Order Date] AS [Order Day], a + 1 as "b c", x as `y` RESIDENT T;');
    expect(st.label).toBe('My Table');
    const q = st.query as LoadQuery;
    expect(q.distinct).toBe(true);
    expect(q.fields.map((f) => (f.kind === 'LoadStar' ? '*' : f.alias))).toEqual(['*', 'Order Day', 'b c', 'y']);
  });

  it('reads FROM with quoted and unquoted paths and format specifications', () => {
    const q = query(
      "LOAD * FROM lib://Data/Sales.csv (txt, codepage is 1252, embedded labels, delimiter is '\\t', msq, header is 1 lines, no quotes, table is [Sheet 1]);",
    );
    expect(withoutSpans(q.source)).toEqual({
      kind: 'FromSource',
      path: 'lib://Data/Sales.csv',
      format: {
        kind: 'FileFormat',
        specs: [
          { kind: 'FormatSpec', name: 'txt', value: null },
          { kind: 'FormatSpec', name: 'codepage is', value: '1252' },
          { kind: 'FormatSpec', name: 'embedded labels', value: null },
          { kind: 'FormatSpec', name: 'delimiter is', value: "'\\t'" },
          { kind: 'FormatSpec', name: 'msq', value: null },
          { kind: 'FormatSpec', name: 'header is', value: '1 lines' },
          { kind: 'FormatSpec', name: 'no quotes', value: null },
          { kind: 'FormatSpec', name: 'table is', value: '[Sheet 1]' },
        ],
      },
    });
    expect(query('LOAD * FROM [lib://QVDs/x y.qvd] (qvd);').source).toMatchObject({ path: 'lib://QVDs/x y.qvd' });
    expect(query("LOAD * FROM 'C:\\data\\x.qvd';").source).toMatchObject({ path: 'C:\\data\\x.qvd', format: null });
  });

  it('reads INLINE data in brackets or quotes, with options, and parses the rows', () => {
    const q = query("LOAD * INLINE [\nA, B\n1, 'x, y'\n\n2, z\n];");
    expect(q.source).toMatchObject({
      kind: 'InlineSource',
      data: "\nA, B\n1, 'x, y'\n\n2, z\n",
      fields: ['A', 'B'],
      rows: [
        ['1', 'x, y'],
        ['2', 'z'],
      ],
    });
    expect(query('LOAD * INLINE "a|b\n1|2" (delimiter is \'|\');').source).toMatchObject({
      fields: ['a', 'b'],
      rows: [['1', '2']],
    });
    expect(query("LOAD * INLINE [1\t2] (delimiter is '\\t', no labels);").source).toMatchObject({
      fields: ['@1', '@2'],
      rows: [['1', '2']],
    });
  });

  it('reads RESIDENT, AUTOGENERATE, FROM_FIELD and the clauses', () => {
    const q = query('LOAD a, Sum(b) AS s RESIDENT T WHERE Exists(a) WHILE IterNo() < 3 GROUP BY a ORDER BY a DESC, b;');
    expect(q.source).toMatchObject({ kind: 'ResidentSource', table: 'T' });
    expect(printExpression(q.where as never)).toBe('Exists(a)');
    expect(printExpression(q.while as never)).toBe('IterNo() < 3');
    expect(q.groupBy.map(printExpression)).toEqual(['a']);
    expect(q.orderBy.map((o) => [printExpression(o.expression), o.direction])).toEqual([
      ['a', 'desc'],
      ['b', null],
    ]);
    expect(query('LOAD RecNo() AS n AUTOGENERATE $(vN) * 2;').source).toMatchObject({ kind: 'AutogenerateSource' });
    expect(query('LOAD * FROM_FIELD (Src, [Xml Field]) (xmlsimple, table is [a/b]);').source).toMatchObject({
      kind: 'FromFieldSource',
      table: 'Src',
      field: 'Xml Field',
    });
  });

  it('represents preceding loads as an explicit chain ending in the source', () => {
    const st = load('T:\nLOAD *, a + b AS c;\nLOAD a, b WHERE a > 0;\nSQL SELECT a, b FROM dbo.T;');
    const chain = chainOf(st);
    expect(chain.map((q) => q.kind)).toEqual(['Load', 'Load', 'Sql']);
    expect((chain[1] as LoadQuery).where).not.toBeNull();
    expect(chain[2]).toMatchObject({ text: 'SELECT a, b FROM dbo.T', tables: [{ name: 'dbo.T' }] });
  });

  it('reads every LOAD prefix', () => {
    const prefixesOf = (text: string): unknown => withoutSpans(load(text).prefixes);
    expect(prefixesOf('CONCATENATE (T) NOCONCATENATE LOAD * RESIDENT x;')).toEqual([
      { kind: 'ConcatenatePrefix', table: 'T' },
      { kind: 'NoConcatenatePrefix' },
    ]);
    expect(prefixesOf('LEFT JOIN (T) LOAD * RESIDENT x;')).toEqual([{ kind: 'JoinPrefix', type: 'left', table: 'T' }]);
    expect(prefixesOf('JOIN LOAD * RESIDENT x;')).toEqual([{ kind: 'JoinPrefix', type: null, table: null }]);
    expect(prefixesOf('OUTER JOIN LOAD * RESIDENT x;')).toEqual([{ kind: 'JoinPrefix', type: 'outer', table: null }]);
    expect(prefixesOf('INNER KEEP ([T 2]) LOAD * RESIDENT x;')).toEqual([
      { kind: 'KeepPrefix', type: 'inner', table: 'T 2' },
    ]);
    expect(prefixesOf('M: MAPPING LOAD a, b RESIDENT x;')).toEqual([{ kind: 'MappingPrefix' }]);
    expect(prefixesOf('CROSSTABLE(Month, Sales) LOAD * RESIDENT x;')).toEqual([
      { kind: 'CrossTablePrefix', attributeField: 'Month', dataField: 'Sales', qualifierFields: null },
    ]);
    expect(prefixesOf('GENERIC LOAD * RESIDENT x;')).toEqual([{ kind: 'GenericPrefix' }]);
    expect(load('FIRST 10 LOAD * RESIDENT x;').prefixes).toMatchObject([{ kind: 'FirstPrefix', count: { value: 10 } }]);
    expect(load('SAMPLE 0.5 LOAD * RESIDENT x;').prefixes).toMatchObject([
      { kind: 'SamplePrefix', probability: { value: 0.5 } },
    ]);
    expect(prefixesOf('BUFFER (Stale After 7 Days) LOAD * RESIDENT x;')).toEqual([
      { kind: 'BufferPrefix', options: 'Stale After 7 Days' },
    ]);
    expect(prefixesOf('ADD ONLY REPLACE LOAD * RESIDENT x;')).toEqual([
      { kind: 'AddPrefix', only: true },
      { kind: 'ReplacePrefix', only: false },
    ]);
    expect(prefixesOf('MERGE ONLY (Seq, vSeq) ON Key1, Key2 LOAD * RESIDENT x;')).toEqual([
      { kind: 'MergePrefix', only: true, parameters: ['Seq', 'vSeq'], keys: ['Key1', 'Key2'] },
    ]);
    expect(load('INTERVALMATCH(Date) LOAD s, e RESIDENT x;').prefixes).toMatchObject([
      { kind: 'IntervalMatchPrefix', args: [{ name: 'Date' }] },
    ]);
    expect(
      load("HIERARCHY(Id, Parent, Name, ParentName, Name, Path, '/', Depth) LOAD * RESIDENT x;").prefixes,
    ).toMatchObject([{ kind: 'HierarchyPrefix' }]);
    expect(load('HIERARCHYBELONGSTO(Id, Parent, Name, AId, AName) LOAD * RESIDENT x;').prefixes).toMatchObject([
      { kind: 'HierarchyBelongsToPrefix' },
    ]);
    expect(load('WHEN $(vOn) = 1 LOAD * RESIDENT x;').prefixes).toMatchObject([
      { kind: 'ConditionPrefix', type: 'when' },
    ]);
    expect(load('$(vPrefix) LOAD * RESIDENT x;').prefixes).toMatchObject([
      { kind: 'ExpansionPrefix', expansion: { name: 'vPrefix' } },
    ]);
  });

  it('accepts the label between prefixes too', () => {
    expect(load('LEFT JOIN (A) B: LOAD * RESIDENT x;')).toMatchObject({
      label: 'B',
      prefixes: [{ kind: 'JoinPrefix' }],
    });
  });
});

describe('parseScript: SQL and connections', () => {
  it('keeps SQL raw and names its source tables: schema-qualified, quoted, joined, in subqueries', () => {
    const st = load(
      'T: SQL SELECT o.id, (SELECT max(x) FROM audit.Log) AS m\nFROM "Sales"."dbo"."Orders" o\nINNER JOIN [dbo].[Order Lines] AS l ON o.id = l.id, `crm`.`Customers` c\nLEFT OUTER JOIN Regions ON 1 = 1\nWHERE EXTRACT(YEAR FROM o.d) = 2024 AND o.id IN (SELECT id FROM archive.Old);',
    );
    const q = st.query;
    if (q.kind !== 'Sql') throw new Error('expected SQL');
    expect(q.verb).toBe('SELECT');
    expect(q.text.startsWith('SELECT o.id,')).toBe(true);
    expect(q.tables.map((t) => [t.name, t.alias])).toEqual([
      ['audit.Log', null],
      ['Sales.dbo.Orders', 'o'],
      ['dbo.Order Lines', 'l'],
      ['crm.Customers', 'c'],
      ['Regions', null],
      ['archive.Old', null],
    ]);
    expect(q.tables[1]?.parts).toEqual(['Sales', 'dbo', 'Orders']);
  });

  it('does not report CTE names or table functions as tables', () => {
    const q = load('SQL WITH recent AS (SELECT * FROM dbo.Orders) SELECT * FROM recent, dbo.F(1);').query;
    expect(q).toMatchObject({ kind: 'Sql', verb: 'WITH', tables: [{ name: 'dbo.Orders' }] });
  });

  it('reads a bare SELECT and other SQL verbs', () => {
    expect(load('SELECT A FROM T;').query).toMatchObject({ kind: 'Sql', verb: 'SELECT', text: 'SELECT A FROM T' });
    expect(load('SQL EXEC dbo.Refresh;').query).toMatchObject({ kind: 'Sql', verb: 'EXEC', tables: [] });
  });

  it('reads CONNECT statements and DISCONNECT', () => {
    expect(
      body(
        "LIB CONNECT TO 'Sales DB';\nLIB CONNECT TO myconnection;\nODBC CONNECT64 TO [DSN=x;UID=a] (XUserId is abc, XPassword is def);\nOLEDB CONNECT TO [Provider=SQLOLEDB;Data Source=db];\nCUSTOM CONNECT TO \"Provider=QvRest;url=http://x\";\nCONNECT TO 'dsn';\nDISCONNECT;",
      ).map((s) => withoutSpans(s)),
    ).toEqual([
      { kind: 'Connect', provider: 'lib', bitness: null, target: 'Sales DB', options: null },
      { kind: 'Connect', provider: 'lib', bitness: null, target: 'myconnection', options: null },
      {
        kind: 'Connect',
        provider: 'odbc',
        bitness: '64',
        target: 'DSN=x;UID=a',
        options: 'XUserId is abc, XPassword is def',
      },
      { kind: 'Connect', provider: 'oledb', bitness: null, target: 'Provider=SQLOLEDB;Data Source=db', options: null },
      { kind: 'Connect', provider: 'custom', bitness: null, target: 'Provider=QvRest;url=http://x', options: null },
      { kind: 'Connect', provider: null, bitness: null, target: 'dsn', options: null },
      { kind: 'Disconnect' },
    ]);
  });
});

describe('parseScript: table and field statements', () => {
  it('reads STORE with and without a field list and format', () => {
    expect(
      body(
        'STORE T INTO [lib://QVDs/T.qvd] (qvd);\nSTORE a, b AS c FROM T INTO lib://QVDs/T.csv (txt);\nSTORE * FROM T INTO x.parquet (parquet);\nSTORE T INTO x.qvd;',
      ),
    ).toMatchObject([
      { kind: 'Store', table: 'T', fields: null, path: 'lib://QVDs/T.qvd', format: { specs: [{ name: 'qvd' }] } },
      { kind: 'Store', table: 'T', fields: [{ alias: null }, { alias: 'c' }], path: 'lib://QVDs/T.csv' },
      { kind: 'Store', table: 'T', fields: [{ kind: 'LoadStar' }], format: { specs: [{ name: 'parquet' }] } },
      { kind: 'Store', table: 'T', path: 'x.qvd', format: null },
    ]);
  });

  it('reads DROP, RENAME and ALIAS', () => {
    expect(
      body(
        'DROP TABLE T;\nDROP TABLES A, [B C];\nDROP FIELDS x, y FROM A, B;\nRENAME TABLE a TO b;\nRENAME FIELDS a TO b, [c d] TO e;\nRENAME FIELDS USING M;\nALIAS a AS b;',
      ).map((s) => withoutSpans(s)),
    ).toEqual([
      { kind: 'Drop', target: 'table', names: ['T'], from: [] },
      { kind: 'Drop', target: 'table', names: ['A', 'B C'], from: [] },
      { kind: 'Drop', target: 'field', names: ['x', 'y'], from: ['A', 'B'] },
      { kind: 'Rename', target: 'table', pairs: [{ kind: 'RenamePair', from: 'a', to: 'b' }], using: null },
      {
        kind: 'Rename',
        target: 'field',
        pairs: [
          { kind: 'RenamePair', from: 'a', to: 'b' },
          { kind: 'RenamePair', from: 'c d', to: 'e' },
        ],
        using: null,
      },
      { kind: 'Rename', target: 'field', pairs: [], using: 'M' },
      { kind: 'Alias', pairs: [{ kind: 'RenamePair', from: 'a', to: 'b' }] },
    ]);
  });

  it('reads QUALIFY / UNQUALIFY with names, * and quoted patterns', () => {
    expect(body('QUALIFY *;\nQUALIFY a, "b*", \'Key*\';\nUNQUALIFY *ID, [x y];')).toMatchObject([
      { kind: 'Qualify', fields: ['*'] },
      { kind: 'Qualify', fields: ['a', 'b*', 'Key*'] },
      { kind: 'Unqualify', fields: ['*ID', 'x y'] },
    ]);
  });

  it('reads COMMENT, TAG and UNTAG', () => {
    expect(
      body(
        "COMMENT TABLE T WITH 'About T';\nCOMMENT FIELDS a, b WITH \"Two\";\nCOMMENT FIELDS USING CM;\nTAG FIELD a WITH '$key';\nUNTAG FIELDS a, b WITH 'x', 'y';\nTAG FIELDS USING TM;",
      ).map((s) => withoutSpans(s)),
    ).toEqual([
      { kind: 'CommentStatement', target: 'table', names: ['T'], comment: 'About T', using: null },
      { kind: 'CommentStatement', target: 'field', names: ['a', 'b'], comment: 'Two', using: null },
      { kind: 'CommentStatement', target: 'field', names: [], comment: null, using: 'CM' },
      { kind: 'Tag', untag: false, names: ['a'], tags: ['$key'], using: null },
      { kind: 'Tag', untag: true, names: ['a', 'b'], tags: ['x', 'y'], using: null },
      { kind: 'Tag', untag: false, names: [], tags: [], using: 'TM' },
    ]);
  });

  it('reads BINARY, TRACE, SLEEP, SECTION, DIRECTORY', () => {
    expect(
      body(
        "BINARY [lib://Apps/Other.qvf];\nTRACE It's $(vDone) now;\nSLEEP 1000;\nSECTION ACCESS;\nSECTION APPLICATION;\nDIRECTORY lib://Data;\nDIRECTORY;",
      ).map((s) => withoutSpans(s)),
    ).toEqual([
      { kind: 'Binary', path: 'lib://Apps/Other.qvf' },
      { kind: 'Trace', text: "It's $(vDone) now" },
      { kind: 'Sleep', duration: { kind: 'NumberLiteral', value: 1000, raw: '1000' } },
      { kind: 'Section', section: 'access' },
      { kind: 'Section', section: 'application' },
      { kind: 'Directory', path: 'lib://Data' },
      { kind: 'Directory', path: null },
    ]);
  });
});

describe('parseScript: control statements', () => {
  it('reads IF / ELSEIF / ELSE / END IF, multi-line and on one line', () => {
    const [st, oneLine] = body(
      'IF $(vX) = 1 THEN\n  LET a = 1;\nELSEIF vY < 2 THEN\n  LET a = 2;\nELSE\n  LET a = 3;\nEND IF\nIF a THEN LET b = 1; ENDIF',
    );
    expect(st).toMatchObject({
      kind: 'If',
      branches: [{ body: [{ kind: 'Let' }] }, { body: [{ kind: 'Let' }] }],
      elseBody: [{ kind: 'Let' }],
    });
    expect(oneLine).toMatchObject({ kind: 'If', branches: [{ body: [{ kind: 'Let', name: 'b' }] }], elseBody: null });
  });

  it('reads FOR … NEXT and FOR EACH … NEXT over values and file lists', () => {
    const [forSt] = body(
      "FOR i = 1 TO $(vMax) STEP 2\n  FOR EACH f IN FileList('lib://Data/*.qvd'), 'extra.qvd'\n    LOAD * FROM [$(f)] (qvd);\n  NEXT f\nNEXT i",
    );
    expect(forSt).toMatchObject({
      kind: 'For',
      variable: 'i',
      from: { value: 1 },
      to: { kind: 'DollarExpansion' },
      step: { value: 2 },
      body: [
        {
          kind: 'ForEach',
          variable: 'f',
          values: [{ kind: 'FunctionCall', name: 'FileList' }, { kind: 'StringLiteral' }],
          body: [{ kind: 'LoadStatement' }],
        },
      ],
    });
    expect(only("FOR EACH v IN FieldValueList('Year')\nNEXT")).toMatchObject({ kind: 'ForEach', body: [] });
  });

  it('reads DO … LOOP with WHILE / UNTIL at either end, and EXIT', () => {
    expect(
      body('DO WHILE i < 10\n  LET i = i + 1;\n  EXIT DO UNLESS i < 5\nLOOP\nDO\nLOOP UNTIL i > 20'),
    ).toMatchObject([
      {
        kind: 'DoLoop',
        condition: { type: 'while' },
        loopCondition: null,
        body: [{ kind: 'Let' }, { kind: 'Exit', target: 'do', condition: { type: 'unless' } }],
      },
      { kind: 'DoLoop', condition: null, loopCondition: { type: 'until' } },
    ]);
  });

  it('reads SWITCH / CASE / DEFAULT', () => {
    expect(only('SWITCH vMode\nCASE 1, 2\n  TRACE one;\nCASE 3\nDEFAULT\n  TRACE other;\nEND SWITCH')).toMatchObject({
      kind: 'Switch',
      cases: [
        { values: [{ value: 1 }, { value: 2 }], body: [{ kind: 'Trace' }] },
        { values: [{ value: 3 }], body: [] },
      ],
      defaultBody: [{ kind: 'Trace', text: 'other' }],
    });
  });

  it('reads SUB … END SUB and CALL', () => {
    expect(
      body(
        "SUB Util.Log(msg, level)\n  TRACE $(msg);\n  EXIT SUB WHEN level > 2;\nEND SUB\nCALL Util.Log('x', 1)\nCALL Init;",
      ),
    ).toMatchObject([
      {
        kind: 'Sub',
        name: 'Util.Log',
        params: ['msg', 'level'],
        body: [{ kind: 'Trace' }, { kind: 'Exit', target: 'sub' }],
      },
      { kind: 'Call', name: 'Util.Log', args: [{ value: 'x' }, { value: 1 }] },
      { kind: 'Call', name: 'Init', args: [] },
    ]);
  });

  it('ends control statement headers at the end of the line', () => {
    // Without LET, an assignment is a control statement: the next line is not part of it.
    const r = parseScript('b = a\n* 2;');
    expect(r.ast.body).toMatchObject([
      { kind: 'Let', name: 'b', expression: { kind: 'FieldRef', name: 'a' } },
      { kind: 'RawStatement', text: '* 2' },
    ]);
    expect(body('EXIT SCRIPT\nLET a = 1;')).toMatchObject([
      { kind: 'Exit', target: 'script', condition: null },
      { kind: 'Let' },
    ]);
  });
});

describe('parseScript: positions', () => {
  it('gives every statement its start and end', () => {
    const { ast } = parseScript('SET a = 1;\n\nT:\nLOAD x\nRESIDENT S;\nTRACE done;');
    expect(ast.body.map((s) => [s.span.start.line, s.span.start.column, s.span.end.line, s.span.end.column])).toEqual([
      [1, 1, 1, 11],
      [3, 1, 5, 12],
      [6, 1, 6, 11],
    ]);
    const q = (ast.body[1] as LoadStatement).query as LoadQuery;
    const f = q.fields[0];
    expect(f?.span).toEqual({ start: { line: 4, column: 6, offset: 20 }, end: { line: 4, column: 7, offset: 21 } });
  });

  it('gives tokens from an expanded variable the span of the $(…) they came from', () => {
    const text = 'SET vFields = a, b;\nLOAD $(vFields) RESIDENT T;';
    const { ast } = parseScript(text, { variables: {} });
    const q = (ast.body[1] as LoadStatement).query as LoadQuery;
    expect(q.fields.map((f) => (f.kind === 'LoadField' ? printExpression(f.expression) : '*'))).toEqual(['a', 'b']);
    for (const f of q.fields) {
      expect(text.slice(f.span.start.offset, f.span.end.offset)).toBe('$(vFields)');
    }
  });
});

describe('parseScript: symbolic variable environments', () => {
  it('expands known variables, follows SET and constant LET, keeps unknown ones as placeholders', () => {
    const text = [
      "SET vPath = 'lib://QVDs';",
      'LET vYear = 2020 + 4;',
      'LET vNow = Now();',
      'Sales_$(vYear):',
      'LOAD *, $(vNow) AS loaded, $(vUnknown) AS u FROM [$(vPath)/Sales_$(vYear).qvd] (qvd);',
    ].join('\n');
    const r = parseScript(text, { variables: { vUnknown: undefined } as unknown as Record<string, string> });
    expect(r.diagnostics).toEqual([]);
    const st = r.ast.body[3] as LoadStatement;
    expect(st.label).toBe('Sales_2024');
    const q = st.query as LoadQuery;
    expect(q.source).toMatchObject({ path: 'lib://QVDs/Sales_2024.qvd' });
    expect(q.fields.slice(1)).toMatchObject([
      { expression: { kind: 'DollarExpansion', name: 'vNow' } },
      { expression: { kind: 'DollarExpansion', name: 'vUnknown' } },
    ]);
    expect(Object.fromEntries(r.variables ?? [])).toEqual({ vPath: 'lib://QVDs', vYear: '2024' });
  });

  it('expands parameterised variables and uses evaluate for $(=…) and other LETs', () => {
    const r = parseScript(
      "SET f = Upper($1) & '$2';\nLET t = Today();\nLOAD $(f(a, b)) AS x, $(=1+1) AS y, '$(t)' AS z AUTOGENERATE 1;",
      {
        variables: {},
        evaluate: (e) => (e === '1+1' ? '2' : e === 'Today()' ? '46000' : undefined),
      },
    );
    const q = (r.ast.body[2] as LoadStatement).query as LoadQuery;
    expect(q.fields.map((f) => (f.kind === 'LoadField' ? printExpression(f.expression) : ''))).toEqual([
      "Upper(a) & 'b'",
      '2',
      "'46000'",
    ]);
  });

  it('can leave the environment alone (trackAssignments: false), and never mutates the caller’s object', () => {
    const env = { vA: 'x' };
    const r = parseScript("SET vA = 'y';\nLOAD $(vA) AUTOGENERATE 1;", { variables: env, trackAssignments: false });
    const q = (r.ast.body[1] as LoadStatement).query as LoadQuery;
    expect(q.fields[0]).toMatchObject({ expression: { kind: 'FieldRef', name: 'x' } });
    expect(env).toEqual({ vA: 'x' });
  });

  it('expands a variable into several statements', () => {
    const r = parseScript('$(vTwo)\nTRACE after;', { variables: { vTwo: 'LET a = 1; LET b = 2;' } });
    expect(r.ast.body.map((s) => s.kind)).toEqual(['Let', 'Let', 'Trace']);
  });

  it('stops self-referencing variables', () => {
    const r = parseScript('LOAD $(v) AUTOGENERATE 1;', { variables: { v: '$(v)$(v)' } });
    expect(r.diagnostics.map((d) => d.code)).toContain('expansion-too-deep');
  });
});

describe('parseScript: errors and recovery', () => {
  it('keeps unknown statements as RawStatement with a warning', () => {
    const r = parseScript('Force Case Upper;\nLOAD 1 AS x AUTOGENERATE 1;');
    expect(r.ast.body.map((s) => s.kind)).toEqual(['RawStatement', 'LoadStatement']);
    expect(r.ast.body[0]).toMatchObject({ text: 'Force Case Upper', keyword: 'FORCE' });
    expect(r.diagnostics).toMatchObject([{ code: 'unknown-statement', severity: 'warning' }]);
  });

  it('turns a statement with a syntax error into a RawStatement and carries on', () => {
    const r = parseScript('LOAD a b FROM x.qvd;\nDROP TABLE T;');
    expect(r.ast.body).toMatchObject([
      { kind: 'RawStatement', text: 'LOAD a b FROM x.qvd', keyword: 'LOAD' },
      { kind: 'Drop', names: ['T'] },
    ]);
    expect(r.diagnostics).toMatchObject([
      { code: 'unexpected-token', severity: 'error', span: { start: { line: 1, column: 8 } } },
    ]);
  });

  it('reports a preceding LOAD without a following LOAD or SELECT', () => {
    const r = parseScript('LOAD a, b;\nDROP TABLE T;');
    expect(r.ast.body).toMatchObject([{ kind: 'RawStatement', text: 'LOAD a, b' }, { kind: 'Drop' }]);
    expect(codes('LOAD a, b;\nDROP TABLE T;')).toEqual(['preceding-load-without-source']);
    expect(codes('LOAD a, b')).toEqual(['preceding-load-without-source']);
  });

  it('reports unclosed blocks and stray block ends', () => {
    expect(codes('IF a THEN\nLET b = 1;')).toEqual(['unclosed-block']);
    expect(codes('NEXT i\nLET b = 1;')).toEqual(['unmatched-block-end']);
    // A missing END IF inside a FOR is reported, and the FOR still closes.
    const r = parseScript('FOR i = 1 TO 2\nIF a THEN\nLET b = 1;\nNEXT i\nTRACE x;');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unclosed-block']);
    expect(r.ast.body.map((s) => s.kind)).toEqual(['For', 'Trace']);
  });

  it('keeps the block structure when a header is broken', () => {
    const r = parseScript('IF a = THEN\nLET b = 1;\nEND IF\nTRACE x;');
    expect(r.ast.body.map((s) => s.kind)).toEqual(['If', 'Trace']);
    expect(r.ast.body[0]).toMatchObject({
      branches: [{ condition: { kind: 'InvalidExpression' }, body: [{ kind: 'Let' }] }],
    });
  });

  it('warns about a missing final semicolon', () => {
    expect(parseScript('DROP TABLE T').diagnostics).toMatchObject([{ code: 'missing-semicolon', severity: 'warning' }]);
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => parseScript('x', { trackAssignments: 'yes' as unknown as boolean })).toThrow(
      new TypeError('parseScript: options.trackAssignments must be a boolean, got string'),
    );
    expect(() => parseScript(undefined as unknown as string)).toThrow(
      new TypeError('parseScript: text must be a string, got undefined'),
    );
  });
});
