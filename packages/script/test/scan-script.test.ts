import { describe, expect, it } from 'vitest';
import type { ScanNode, Span } from '../src/index.js';
import { parseClause, parseStatement, printExpression, scanScript } from '../src/index.js';

/** A scanned tree with spans written `line:column-line:column`, for compact expectations. */
function compact(nodes: readonly ScanNode[]): unknown {
  return JSON.parse(
    JSON.stringify(nodes, (key, value: unknown) => {
      if (key !== 'span') return value;
      const { start, end } = value as Span;
      return `${start.line}:${start.column}-${end.line}:${end.column}`;
    }),
  );
}

function clean(text: string): unknown {
  const { body, diagnostics } = scanScript(text);
  expect(diagnostics).toEqual([]);
  return compact(body);
}

describe('scanScript: statements', () => {
  it('ends a statement at its `;` (kept), outside quotes, brackets, comments and $(…)', () => {
    expect(
      clean("SET a = 'x;y';\nT: LOAD * INLINE [\nA\n1;2\n] (delimiter is ';');\nLET b = $(f(1;)) // c;d\n;"),
    ).toEqual([
      { kind: 'Statement', text: "SET a = 'x;y';", span: '1:1-1:15' },
      { kind: 'Statement', text: "T: LOAD * INLINE [\nA\n1;2\n] (delimiter is ';');", span: '2:1-5:22' },
      // An unterminated $( stops at the `;`, as the engine's expansion does.
      { kind: 'Statement', text: 'LET b = $(f(1;', span: '6:1-6:15' },
      { kind: 'Statement', text: ')) // c;d\n;', span: '6:15-7:2' },
    ]);
  });

  it('leaves out comments and REM between statements; TRACE and REM read raw up to the first `;`', () => {
    expect(clean("// a; b\n/* IF */ REM it's ignored; TRACE it's [here;\nSET a = 1;")).toEqual([
      { kind: 'Statement', text: "TRACE it's [here;", span: '2:28-2:45' },
      { kind: 'Statement', text: 'SET a = 1;', span: '3:1-3:11' },
    ]);
  });

  it('ends CALL, EXIT and assignments without LET at the end of their line (or `;`)', () => {
    expect(clean('x = 1\ny = x +\n  1;\nCALL s(1)\nEXIT SCRIPT WHEN 1 = 1;')).toEqual([
      { kind: 'Statement', text: 'x = 1', span: '1:1-1:6' },
      { kind: 'Statement', text: 'y = x +', span: '2:1-2:8' },
      { kind: 'Statement', text: '1;', span: '3:3-3:5' },
      { kind: 'Statement', text: 'CALL s(1)', span: '4:1-4:10' },
      { kind: 'Statement', text: 'EXIT SCRIPT WHEN 1 = 1;', span: '5:1-5:24' },
    ]);
  });

  it('keeps a preceding LOAD with the LOAD or SELECT it reads from, but not a SET holding the word LOAD', () => {
    expect(
      clean(
        'T: LOAD a * 2 AS b WHERE a > 1;\nLOAD a;\nSQL SELECT a FROM t;\nSET v = LOAD x;\nLOAD 1 AS c AUTOGENERATE 1;',
      ),
    ).toEqual([
      { kind: 'Statement', text: 'T: LOAD a * 2 AS b WHERE a > 1;\nLOAD a;\nSQL SELECT a FROM t;', span: '1:1-3:21' },
      { kind: 'Statement', text: 'SET v = LOAD x;', span: '4:1-4:16' },
      { kind: 'Statement', text: 'LOAD 1 AS c AUTOGENERATE 1;', span: '5:1-5:28' },
    ]);
  });

  it('takes a word followed by `:` as a table label, not a control word', () => {
    expect(clean('Next: LOAD 1 AS a AUTOGENERATE 1;')).toEqual([
      { kind: 'Statement', text: 'Next: LOAD 1 AS a AUTOGENERATE 1;', span: '1:1-1:34' },
    ]);
  });
});

describe('scanScript: blocks', () => {
  it('reads the Data Manager’s rename block: clauses to the end of line or `;`, EndIf; / Next; / Loop', () => {
    const text = [
      'For each name in $(dataManagerTables) ',
      '    Do while not IsNull(tableNumber)',
      '        tableNumber = TableNumber(currentName) ',
      "        matches = Match('$(currentName)', $(dataManagerTables));",
      '    Loop ',
      '    If index > 0 then ',
      "            Rename Table '$(name)' to '$(currentName)'; ",
      '    EndIf; ',
      'Next; ',
    ].join('\n');
    expect(clean(text)).toEqual([
      {
        kind: 'For',
        clause: { text: 'For each name in $(dataManagerTables)', span: '1:1-1:38' },
        body: [
          {
            kind: 'Do',
            clause: { text: 'Do while not IsNull(tableNumber)', span: '2:5-2:37' },
            body: [
              // Without its `;` the assignment still ends at the end of its line.
              { kind: 'Statement', text: 'tableNumber = TableNumber(currentName)', span: '3:9-3:47' },
              {
                kind: 'Statement',
                text: "matches = Match('$(currentName)', $(dataManagerTables));",
                span: '4:9-4:65',
              },
            ],
            loop: { text: 'Loop', span: '5:5-5:9' },
            span: '2:5-5:9',
          },
          {
            kind: 'If',
            branches: [
              {
                clause: { text: 'If index > 0 then', span: '6:5-6:22' },
                body: [{ kind: 'Statement', text: "Rename Table '$(name)' to '$(currentName)';", span: '7:13-7:56' }],
              },
            ],
            elseBody: null,
            span: '6:5-8:11',
          },
        ],
        span: '1:1-9:6',
      },
    ]);
  });

  it('reads IF … ELSEIF … ELSE … END IF, with statements after THEN / ELSE on the same line', () => {
    expect(clean('IF a THEN LET b = 1;\nELSEIF c THEN\nELSE LET d = 2; END IF')).toEqual([
      {
        kind: 'If',
        branches: [
          {
            clause: { text: 'IF a THEN', span: '1:1-1:10' },
            body: [{ kind: 'Statement', text: 'LET b = 1;', span: '1:11-1:21' }],
          },
          { clause: { text: 'ELSEIF c THEN', span: '2:1-2:14' }, body: [] },
        ],
        elseBody: [{ kind: 'Statement', text: 'LET d = 2;', span: '3:6-3:16' }],
        span: '1:1-3:23',
      },
    ]);
  });

  it('reads FOR … NEXT v, SUB … ENDSUB, SWITCH … CASE … DEFAULT … ENDSWITCH and DO … LOOP UNTIL', () => {
    expect(
      clean(
        'FOR i = 1 TO 3\nNEXT i\nSUB s(a)\nENDSUB\nSWITCH v\nCASE 1, 2\n  SET a = 1;\nDEFAULT\nENDSWITCH\nDO\nLOOP UNTIL i > 1;',
      ),
    ).toEqual([
      { kind: 'For', clause: { text: 'FOR i = 1 TO 3', span: '1:1-1:15' }, body: [], span: '1:1-2:7' },
      { kind: 'Sub', clause: { text: 'SUB s(a)', span: '3:1-3:9' }, body: [], span: '3:1-4:7' },
      {
        kind: 'Switch',
        clause: { text: 'SWITCH v', span: '5:1-5:9' },
        cases: [
          {
            clause: { text: 'CASE 1, 2', span: '6:1-6:10' },
            body: [{ kind: 'Statement', text: 'SET a = 1;', span: '7:3-7:13' }],
          },
        ],
        defaultBody: [],
        span: '5:1-9:10',
      },
      {
        kind: 'Do',
        clause: { text: 'DO', span: '10:1-10:3' },
        body: [],
        loop: { text: 'LOOP UNTIL i > 1', span: '11:1-11:17' },
        span: '10:1-11:18',
      },
    ]);
  });

  it('ends a statement missing its `;` before END IF / NEXT / … of an open block', () => {
    expect(clean('IF a THEN\n  SET b = 1\nEND IF')).toMatchObject([
      { kind: 'If', branches: [{ body: [{ kind: 'Statement', text: 'SET b = 1' }] }] },
    ]);
  });

  it('matches the TSDoc example', () => {
    const { body, diagnostics } = scanScript('IF $(vFull) THEN\n  LOAD * FROM [lib://Data/x.csv];\nEND IF');
    expect(diagnostics).toEqual([]);
    expect(compact(body)).toEqual([
      {
        kind: 'If',
        branches: [
          {
            clause: { text: 'IF $(vFull) THEN', span: '1:1-1:17' },
            body: [{ kind: 'Statement', text: 'LOAD * FROM [lib://Data/x.csv];', span: '2:3-2:34' }],
          },
        ],
        elseBody: null,
        span: '1:1-3:7',
      },
    ]);
  });

  it('reports unbalanced structure, in source order', () => {
    const { diagnostics } = scanScript('IF x THEN\nNEXT\nSWITCH 1\nSET a = 1;\nCASE 1\nEND SWITCH\nELSE\nELSE\nDO');
    expect(diagnostics.map((d) => [d.code, d.message, d.span.start.line])).toEqual([
      ['unclosed-block', 'IF has no matching END IF.', 1],
      ['unmatched-block-end', '"NEXT" has no matching block.', 2],
      ['unexpected-token', 'Statements between SWITCH and the first CASE are not allowed.', 4],
      ['unexpected-token', '"ELSE" after ELSE in the same IF.', 8],
      ['unclosed-block', 'DO has no matching LOOP.', 9],
    ]);
  });

  it('refuses blocks nested deeper than 100 without overflowing the stack', () => {
    const { diagnostics } = scanScript(`${'IF 1 THEN\n'.repeat(150)}${'END IF\n'.repeat(150)}`);
    expect(diagnostics[0]).toMatchObject({ code: 'nesting-too-deep', span: { start: { line: 101 } } });
  });
});

describe('parseStatement', () => {
  it('parses one statement, with single-quoted table names where Qlik takes them', () => {
    const { statement, diagnostics } = parseStatement("Rename Table 'orders' to 'orders-1';");
    expect(diagnostics).toEqual([]);
    expect(statement).toMatchObject({ kind: 'Rename', target: 'table', pairs: [{ from: 'orders', to: 'orders-1' }] });
  });

  it.each([
    ['DROP TABLES \'a b\', [c], "d";', { kind: 'Drop', names: ['a b', 'c', 'd'] }],
    ["DROP FIELD 'f' FROM 'T';", { kind: 'Drop', target: 'field', names: ['f'], from: ['T'] }],
    ['RENAME FIELD \'x\' TO "y z";', { kind: 'Rename', target: 'field', pairs: [{ from: 'x', to: 'y z' }] }],
    ["STORE 'T' INTO [lib://D/t.qvd] (qvd);", { kind: 'Store', table: 'T' }],
    ["STORE a FROM 'T' INTO [lib://D/t.qvd];", { kind: 'Store', table: 'T' }],
    ["'My T': LOAD 1 AS a AUTOGENERATE 1;", { kind: 'LoadStatement', label: 'My T' }],
    [
      "CONCATENATE('T') LOAD * RESIDENT 'U';",
      {
        kind: 'LoadStatement',
        prefixes: [{ kind: 'ConcatenatePrefix', table: 'T' }],
        query: { source: { table: 'U' } },
      },
    ],
    [
      'LEFT JOIN ("T") LOAD * RESIDENT [U V];',
      { prefixes: [{ kind: 'JoinPrefix', table: 'T' }], query: { source: { table: 'U V' } } },
    ],
  ])('%s', (text, expected) => {
    const { statement, diagnostics } = parseStatement(text);
    expect(diagnostics).toEqual([]);
    expect(statement).toMatchObject(expected);
  });

  it('parses an assignment without LET as a LET', () => {
    const { statement } = parseStatement('index = index + 1;');
    expect(statement?.kind).toBe('Let');
    if (statement?.kind === 'Let' && statement.expression)
      expect(printExpression(statement.expression)).toBe('index + 1');
  });

  it('reports a syntax error at its position in the text, and a second statement', () => {
    expect(parseStatement('LET a = 1 2;').diagnostics).toMatchObject([
      { code: 'unexpected-token', severity: 'error', span: { start: { line: 1, column: 11 } } },
    ]);
    expect(parseStatement('SET a = 1; SET b = 2;')).toMatchObject({
      statement: { kind: 'Set', name: 'a' },
      diagnostics: [{ code: 'unexpected-token', message: 'Expected one statement, found a second one.' }],
    });
    expect(parseStatement('// only a comment')).toEqual({ statement: null, diagnostics: [] });
  });
});

describe('parseClause', () => {
  it.each([
    [
      "For each name in '','orders'",
      { kind: 'ForEach', variable: 'name', values: [{ value: '' }, { value: 'orders' }] },
    ],
    [
      'FOR i = 1 TO 10 STEP 2',
      { kind: 'For', variable: 'i', from: { value: 1 }, to: { value: 10 }, step: { value: 2 } },
    ],
    ['If index > 0 then', { kind: 'IfBranch', condition: { operator: '>' }, body: [] }],
    ['ELSEIF a THEN;', { kind: 'IfBranch', condition: { name: 'a' } }],
    ['Do while not IsNull(t)', { kind: 'DoLoop', condition: { type: 'while' }, loopCondition: null }],
    ['LOOP UNTIL x > 1;', { kind: 'DoLoop', condition: null, loopCondition: { type: 'until' } }],
    ['Loop', { kind: 'DoLoop', condition: null, loopCondition: null }],
    ['SWITCH v', { kind: 'Switch', expression: { name: 'v' }, cases: [] }],
    ["CASE 'a', 'b'", { kind: 'SwitchCase', values: [{ value: 'a' }, { value: 'b' }] }],
    ['SUB s(a, b)', { kind: 'Sub', name: 's', params: ['a', 'b'], body: [] }],
  ])('%s', (text, expected) => {
    const { clause, diagnostics } = parseClause(text);
    expect(diagnostics).toEqual([]);
    expect(clause).toMatchObject(expected);
  });

  it.each([
    ['IF a = 1', 'Expected THEN on the same line, found the end of the text.'],
    ['IF 1 THEN LET x = 1;', 'Expected the end of the control statement, found "LET".'],
    ['NEXT', 'Expected IF, ELSEIF, FOR, DO, LOOP, SWITCH, CASE or SUB, found "NEXT".'],
  ])('refuses %s', (text, message) => {
    expect(parseClause(text)).toMatchObject({ clause: null, diagnostics: [{ severity: 'error', message }] });
  });
});
