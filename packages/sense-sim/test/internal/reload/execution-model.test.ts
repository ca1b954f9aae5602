import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { rowsOf } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

/** The Data Manager's generated rename block, byte for byte (trailing spaces included). */
const DATA_MANAGER_BLOCK = `Set dataManagerTables = '','orders';
//This block renames script tables from non generated section which conflict with the names of managed tables

For each name in $(dataManagerTables) 
    Let index = 0;
    Let currentName = name; 
    Let tableNumber = TableNumber(name); 
    Let matches = 0; 
    Do while not IsNull(tableNumber) or (index > 0 and matches > 0)
        index = index + 1; 
        currentName = name & '-' & index; 
        tableNumber = TableNumber(currentName) 
        matches = Match('$(currentName)', $(dataManagerTables));
    Loop 
    If index > 0 then 
            Rename Table '$(name)' to '$(currentName)'; 
    EndIf; 
Next; 
Set dataManagerTables = ;

Unqualify *;
`;

/** Included files, by name in the `Scripts` folder connection. */
const INCLUDES: Record<string, string> = {
  'common.qvs': "SET fromInclude = 1;\nSUB greet(n)\n  LET greeting = 'hi ' & n;\nEND SUB\n",
  'self.qvs': '$(Include=lib://Scripts/self.qvs);\n',
  'bad.qvs': 'SET a = 1;\nLOAD a b c;\n',
  'unbalanced.qvs': 'IF 1 THEN\nSET a = 1;\n',
  'bom.qvs': '\uFEFFSET bom = ok;',
};

let dataDir: string;
const traces: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qixflow-execution-model-'));
  await mkdir(join(dataDir, 'scripts'));
  for (const [name, text] of Object.entries(INCLUDES)) await writeFile(join(dataDir, 'scripts', name), text);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function run(script: string): Promise<LoadedModel> {
  traces.length = 0;
  return runScript(script, {
    dataDir,
    connections: [{ name: 'Scripts', type: 'folder', connectionString: 'scripts' }],
    evaluate: scriptEvaluator(() => Date.UTC(2026, 0, 1)),
    onProgress: (text) => traces.push(text),
  });
}

async function failure(script: string): Promise<ScriptError> {
  const error = await run(script).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ScriptError)) throw new Error(`expected a ScriptError, got ${String(error)}`);
  return error;
}

function variables(model: LoadedModel, ...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, model.variables.get(n)]));
}

const tableNames = (model: LoadedModel): string[] => model.tables.map((t) => t.name);

describe('statements are expanded and parsed one at a time, when reached', () => {
  it('never parses a statement in a branch that is not taken (nor an ELSEIF not reached)', async () => {
    const model = await run(
      'IF 0 THEN\n  THIS IS NOT QLIK ((;\nEND IF\nIF 1 = 1 THEN\n  SET b = 1;\nELSEIF ((( THEN\nEND IF\nSET ok = 1;',
    );
    expect(variables(model, 'ok', 'b')).toEqual({ ok: '1', b: '1' });
  });

  it('runs the statements before a syntax error, then names its line and column as written', async () => {
    const error = await failure('TRACE before;\nSET a = 1;\n  LOAD a b FROM x;\nTRACE after;');
    expect(traces).toEqual(['before']);
    expect(error).toMatchObject({
      message: 'Syntax error: Expected a source (FROM, RESIDENT, INLINE, AUTOGENERATE …), a clause or ";", found "b".',
      line: 3,
      column: 10,
      statement: 'LOAD a b FROM x;',
    });
  });

  it('counts lines and columns of a CRLF script as written', async () => {
    expect(await failure('SET a = 1;\r\nIF 1 THEN\r\n  LOAD a b;\r\nEND IF\r\n')).toMatchObject({
      line: 3,
      column: 10,
      statement: 'LOAD a b;',
    });
  });

  it('reports a syntax error made by an expansion at the `$(` it came from, with the text before expansion', async () => {
    const error = await failure('SET vField = x y;\nLET b = $(vField);');
    expect(error).toMatchObject({
      message: 'Syntax error: Expected ";", found "y". (after variable expansion: LET b = x y;)',
      line: 2,
      column: 9,
      statement: 'LET b = $(vField);',
    });
  });

  it('reports a control clause’s syntax error when the clause is reached', async () => {
    const error = await failure('IF 1 = 0 THEN\nELSEIF 1 = = 1 THEN\nEND IF');
    expect(error).toMatchObject({
      message: 'Syntax error: Expected an expression, found "=".',
      line: 2,
      column: 12,
      statement: 'ELSEIF 1 = = 1 THEN',
    });
  });

  it.each([
    ['SET a = 1;\nIF 1 THEN\nTRACE x;', 'Syntax error: IF has no matching END IF.', 2, 'IF 1 THEN'],
    ['TRACE x;\nNEXT i', 'Syntax error: "NEXT" has no matching block.', 2, 'NEXT i'],
    ['TRACE x;\nDO\nEND IF', 'Syntax error: DO has no matching LOOP.', 2, 'DO'],
  ])('refuses unbalanced structure before anything runs: %j', async (script, message, line, statement) => {
    const error = await failure(script);
    expect(traces).toEqual([]);
    expect(error).toMatchObject({ message, line, column: 1, statement });
  });

  it('runs every statement a variable expands to (a variable holding script)', async () => {
    const model = await run("SET vTwo = 'LET p = 1; LET q = p + 1;';\n$(vTwo)");
    expect(variables(model, 'p', 'q')).toEqual({ p: '1', q: '2' });
  });

  it('treats an assignment without LET as a LET, ending at its line', async () => {
    const model = await run('index = 2;\nindex = index + 1;\nindex = index * 10\ntotal = index');
    expect(variables(model, 'index', 'total')).toEqual({ index: '30', total: '30' });
  });

  it('ends a statement missing its `;` before END IF (the block still closes)', async () => {
    expect(variables(await run('IF 1 THEN\n  SET a = 1\nEND IF'), 'a')).toEqual({ a: '1' });
  });

  it('removes a variable LET to NULL, which the script then reads as NULL', async () => {
    const model = await run("LET v = 1;\nLET v = Null();\nLET isNull = IsNull(v);\nLET text = '[$(v)]';");
    expect(model.variables.has('v')).toBe(false);
    expect(variables(model, 'isNull', 'text')).toEqual({ isNull: '-1', text: '[]' });
  });
});

describe('dollar expansion in every statement kind, control clauses included', () => {
  it.each([
    ['IF $(v) THEN', 'SET vFlag = 1;\nIF $(vFlag) = 1 THEN\n  SET r = yes;\nELSE\n  SET r = no;\nEND IF', 'yes'],
    // Re-expanded each time round: with one expansion `$(n) < 3` would stay `0 < 3` for ever.
    ['DO WHILE $(v)', 'LET n = 0;\nDO WHILE $(n) < 3\n  LET n = n + 1;\nLOOP\nLET r = n;', '3'],
    ['LOOP UNTIL $(v)', 'LET n = 0;\nDO\n  LET n = n + 2;\nLOOP UNTIL $(n) >= 5\nLET r = n;', '6'],
    [
      'SWITCH $(v) / CASE',
      "SET v = b;\nSWITCH '$(v)'\nCASE 'a'\n  SET r = A;\nCASE '$(v)'\n  SET r = B;\nEND SWITCH",
      'B',
    ],
    ['CALL s($(a))', 'SUB s(p)\n  LET r = p * 2;\nEND SUB\nSET a = 21;\nCALL s($(a));', '42'],
    ['FOR … TO $(=expr)', 'LET r = 0;\nFOR i = 1 TO $(=2 * 2)\n  r = r + i;\nNEXT', '10'],
    [
      'FOR EACH … IN $(list)',
      "SET list = '','orders';\nLET r = '';\nFOR EACH x IN $(list)\n  LET r = r & '[' & x & ']';\nNEXT",
      '[][orders]',
    ],
    ['$(=expr) in a LET', 'LET r = $(=1 + 2) * 2;', '6'],
    ['$(v(a, b)) with $1 and $2', 'SET vAdd = ($1 + $2);\nLET r = $(vAdd(2, 3)) * 10;', '50'],
    ['$(v(a, b)) in an IF', 'SET vAdd = ($1 + $2);\nIF $(vAdd(1, 1)) = 2 THEN\n  SET r = two;\nEND IF', 'two'],
    ['$(v) in a SUB name', 'SET vName = twice;\nSUB $(vName)(p)\n  LET r = p * 2;\nEND SUB\nCALL twice(4);', '8'],
  ])('%s', async (_kind, script, r) => {
    expect((await run(script)).variables.get('r')).toBe(r);
  });

  it('expands $(=expr) in TRACE', async () => {
    await run("TRACE $(=Upper('ab'));");
    expect(traces).toEqual(['AB']);
  });
});

describe('CALL', () => {
  it('keeps parameters local and copies a variable argument back (help.qlik.com’s ParTrans example)', async () => {
    const model = await run(
      'Sub ParTrans (A,B,C)\nA=A+1\nB=B+1\nC=C+1\nEnd Sub\nA=1\nX=1\nC=1\nCall ParTrans (A, (X+1)*2)',
    );
    expect(variables(model, 'A', 'B', 'C', 'X')).toEqual({ A: '2', B: undefined, C: '1', X: '1' });
  });

  it('finds only a SUB already met, and refuses EXIT FOR outside a FOR', async () => {
    expect(await failure('CALL later;\nSUB later\nEND SUB')).toMatchObject({
      message: 'Unknown procedure: later',
      line: 1,
    });
    expect(await failure('SET a = 1;\nEXIT FOR;')).toMatchObject({ message: 'EXIT FOR outside a FOR', line: 2 });
  });
});

describe('$(Include=…) and $(Must_Include=…)', () => {
  it('run the file’s statements in place; its SUBs are callable afterwards', async () => {
    const model = await run("SET vDir = lib://Scripts;\n$(Include=$(vDir)/common.qvs);\nCALL greet('ann');");
    expect(variables(model, 'fromInclude', 'greeting')).toEqual({ fromInclude: '1', greeting: 'hi ann' });
    expect(variables(await run('$(Must_Include=[lib://Scripts/bom.qvs]);'), 'bom')).toEqual({ bom: 'ok' });
  });

  it('Include of a missing file does nothing; Must_Include of one fails naming the path as written', async () => {
    expect(variables(await run('$(Include=lib://Scripts/none.qvs);\nSET after = 1;'), 'after')).toEqual({ after: '1' });
    expect(await failure('SET x = 1;\n$(Must_Include=lib://Scripts/none.qvs);')).toMatchObject({
      message: "Must_Include file not found: 'lib://Scripts/none.qvs'",
      line: 2,
      column: 1,
      statement: '$(Must_Include=lib://Scripts/none.qvs);',
    });
  });

  it('name the included file and the line in it for an error there, at the include in the script', async () => {
    expect(await failure('SET x = 1;\n  $(Include=lib://Scripts/bad.qvs);')).toMatchObject({
      message:
        'Syntax error: Expected a source (FROM, RESIDENT, INLINE, AUTOGENERATE …), a clause or ";", found "b". (in \'lib://Scripts/bad.qvs\', line 2)',
      line: 2,
      column: 3,
      statement: 'LOAD a b c;',
    });
    expect(await failure('$(Include=lib://Scripts/unbalanced.qvs);')).toMatchObject({
      message: "Syntax error: IF has no matching END IF. (in 'lib://Scripts/unbalanced.qvs', line 1)",
      line: 1,
    });
  });

  it('stop a file that includes itself', async () => {
    expect(await failure('$(Include=lib://Scripts/self.qvs);')).toMatchObject({
      message:
        "Includes nested deeper than 16 (a file including itself?): 'lib://Scripts/self.qvs' (in 'lib://Scripts/self.qvs', line 1)",
      line: 1,
    });
  });

  it('refuse a directive inside another statement instead of skipping it', async () => {
    expect(await failure('LOAD * FROM x WHERE $(Include=lib://Scripts/common.qvs);')).toMatchObject({
      message: '$(Include=…) inside a statement is not supported by the simulator',
    });
  });
});

describe('quoted table and field names', () => {
  it('accepts [brackets], "double" and \'single\' quotes in labels, RESIDENT, JOIN, CONCATENATE, RENAME, DROP', async () => {
    const model = await run(`'My T': LOAD * INLINE [
K, V
1, a
];
[Other T]: NOCONCATENATE LOAD K, V RESIDENT 'My T';
CONCATENATE ("Other T") LOAD 2 AS K, 'b' AS V AUTOGENERATE 1;
LEFT JOIN ('Other T') LOAD * INLINE [
K, W
2, x
];
RENAME FIELD 'W' TO "W 2";
RENAME TABLE 'Other T' TO 'Renamed';
DROP TABLE "My T";
DROP FIELD 'V' FROM [Renamed];`);
    expect(tableNames(model)).toEqual(['Renamed']);
    const table = model.tables[0];
    expect(table?.fields).toEqual(['K', 'W 2']);
    expect(rowsOf(table).map((r) => r.map((c) => c?.text ?? '-'))).toEqual([
      ['1', '-'],
      ['2', 'x'],
    ]);
  });
});

describe('the Data Manager’s table-rename block (byte-exact)', () => {
  it('never runs (nor parses) its loop body when no table has a managed name', async () => {
    const model = await run(DATA_MANAGER_BLOCK);
    expect(tableNames(model)).toEqual([]);
    // FOR EACH went through '' and 'orders'; TableNumber of neither exists, so index stayed 0.
    expect(variables(model, 'name', 'index', 'currentName')).toEqual({
      name: 'orders',
      index: '0',
      currentName: 'orders',
    });
  });

  it('renames a script table named like a managed one to name-1', async () => {
    const model = await run(`orders: LOAD 1 AS Id AUTOGENERATE 1;\n${DATA_MANAGER_BLOCK}`);
    expect(tableNames(model)).toEqual(['orders-1']);
    expect(variables(model, 'index', 'currentName', 'matches')).toEqual({
      index: '1',
      currentName: 'orders-1',
      matches: '0',
    });
  });

  it('skips a candidate name that is itself managed: the line without `;` ends its assignment', async () => {
    // `tableNumber = TableNumber(currentName)` ends at its line, so `matches = Match(…)` runs too:
    // 'orders-1' is managed (matches 3), and the table becomes 'orders-2'.
    const script = DATA_MANAGER_BLOCK.replace("'','orders';", "'','orders','orders-1';");
    const model = await run(`orders: LOAD 1 AS Id AUTOGENERATE 1;\n${script}`);
    expect(tableNames(model)).toEqual(['orders-2']);
  });
});
