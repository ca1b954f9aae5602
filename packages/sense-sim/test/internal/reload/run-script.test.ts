import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

/** Tables as text: the field names, then each row's cell texts (`-` for null). */
function tablesOf(model: LoadedModel): Record<string, string[][]> {
  return Object.fromEntries(
    model.tables.map((t) => [t.name, [[...t.fields], ...tableRows(t).map((r) => r.map((c) => c?.text ?? '-'))]]),
  );
}

const INLINE_T = 'T:\nLOAD * INLINE [\nK, V\na, 1\nb, 2\nc, 3\n];\n';

/** One row per statement kind: the script, and the tables and variables it leaves behind. */
const STATEMENTS: {
  kind: string;
  script: string;
  tables?: Record<string, string[][]>;
  variables?: Record<string, string>;
  stored?: { file: string; contains: string };
}[] = [
  { kind: 'SET', script: 'SET v = a b;', variables: { v: 'a b' } },
  { kind: 'LET', script: "LET v = 1 + 2;\nLET w = Upper('x') & v;", variables: { v: '3', w: 'X3' } },
  {
    kind: 'LOAD … INLINE',
    script: INLINE_T,
    tables: {
      T: [
        ['K', 'V'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    },
  },
  {
    kind: 'LOAD … RESIDENT',
    script: `${INLINE_T}R:\nNOCONCATENATE LOAD V * 10 AS W RESIDENT T;\nDROP TABLE T;`,
    tables: { R: [['W'], ['10'], ['20'], ['30']] },
  },
  {
    // Fields named alone (and `*`) are copied by symbol: the same rows, NULLs and texts as computed ones.
    kind: 'LOAD … RESIDENT copying fields',
    script: `T:\nLOAD * INLINE [\nK, V\na, 1\nb,\nc, 3\na, 01\n];\nR:\nNOCONCATENATE LOAD V AS V2, K, V & '' AS W RESIDENT T WHERE K <> 'c';\nS:\nNOCONCATENATE LOAD * RESIDENT T WHERE K = 'a';\nDROP TABLE T;`,
    tables: {
      R: [
        ['V2', 'K', 'W'],
        ['1', 'a', '1'],
        ['', 'b', ''],
        ['1', 'a', '1'],
      ],
      S: [
        ['K', 'V'],
        ['a', '1'],
        ['a', '1'],
      ],
    },
  },
  {
    kind: 'LOAD … AUTOGENERATE',
    script: 'G:\nLOAD RecNo() AS N, RowNo() * 2 AS M AUTOGENERATE 3;',
    tables: {
      G: [
        ['N', 'M'],
        ['1', '2'],
        ['2', '4'],
        ['3', '6'],
      ],
    },
  },
  {
    kind: 'LOAD … FROM a file',
    script: "F:\nLOAD * FROM [lib://Data/people.csv] (txt, embedded labels, delimiter is ',');",
    tables: {
      F: [
        ['Id', 'Name'],
        ['1', 'Ann'],
        ['2', 'Bob'],
      ],
    },
  },
  {
    kind: 'SQL SELECT',
    script: "LIB CONNECT TO 'SalesDB';\nO:\nSQL SELECT OrderID, Status AS S FROM dbo.Orders;",
    tables: {
      O: [
        ['OrderID', 'S'],
        ['1', 'open'],
        ['2', 'closed'],
      ],
    },
  },
  {
    kind: 'preceding LOAD',
    script: 'P:\nLOAD N * 100 AS H;\nLOAD RecNo() AS N AUTOGENERATE 2;',
    tables: { P: [['H'], ['100'], ['200']] },
  },
  {
    kind: 'WHERE',
    script: 'W:\nLOAD RecNo() AS N AUTOGENERATE 5 WHERE Mod(RecNo(), 2) = 1;',
    tables: { W: [['N'], ['1'], ['3'], ['5']] },
  },
  {
    kind: 'ORDER BY and DISTINCT',
    script: `${INLINE_T}O:\nNOCONCATENATE LOAD DISTINCT If(V > 1, 'big', 'small') AS Size RESIDENT T ORDER BY V DESC;\nDROP TABLE T;`,
    tables: { O: [['Size'], ['big'], ['small']] },
  },
  {
    kind: 'JOIN',
    script: `${INLINE_T}LEFT JOIN (T) LOAD * INLINE [\nK, X\na, first\nc, third\n];`,
    tables: {
      T: [
        ['K', 'V', 'X'],
        ['a', '1', 'first'],
        ['b', '2', '-'],
        ['c', '3', 'third'],
      ],
    },
  },
  {
    kind: 'KEEP',
    script: `${INLINE_T}S:\nINNER KEEP (T) LOAD * INLINE [\nK, Y\nb, yes\nz, no\n];`,
    tables: {
      T: [
        ['K', 'V'],
        ['b', '2'],
      ],
      S: [
        ['K', 'Y'],
        ['b', 'yes'],
      ],
    },
  },
  {
    kind: 'CONCATENATE (explicit and implicit)',
    script: `${INLINE_T}CONCATENATE (T) LOAD 'd' AS K AUTOGENERATE 1;\nLOAD 'e' AS K, 5 AS V AUTOGENERATE 1;`,
    tables: {
      T: [
        ['K', 'V'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
        ['d', '-'],
        ['e', '5'],
      ],
    },
  },
  {
    kind: 'MAPPING LOAD and ApplyMap',
    script: `Map:\nMAPPING LOAD * INLINE [\nK, Name\na, Alpha\n];\n${INLINE_T.replace('LOAD *', "LOAD K, ApplyMap('Map', K, 'none') AS Name")}`,
    tables: {
      T: [
        ['K', 'Name'],
        ['a', 'Alpha'],
        ['b', 'none'],
        ['c', 'none'],
      ],
    },
  },
  {
    kind: 'CROSSTABLE',
    script: 'C:\nCROSSTABLE (Month, Sales) LOAD * INLINE [\nRegion, Jan, Feb\nNorth, 1, 2\n];',
    tables: {
      C: [
        ['Region', 'Month', 'Sales'],
        ['North', 'Jan', '1'],
        ['North', 'Feb', '2'],
      ],
    },
  },
  {
    kind: 'QUALIFY / UNQUALIFY',
    script: `QUALIFY *;\nUNQUALIFY K;\n${INLINE_T}`,
    tables: {
      T: [
        ['K', 'T.V'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    },
  },
  {
    kind: 'QUALIFY with wildcards, the last matching statement deciding',
    script: `QUALIFY ?;\nUNQUALIFY *;\nQUALIFY V*;\nUNQUALIFY V;\nQUALIFY V;\n${INLINE_T}`,
    tables: {
      T: [
        ['K', 'T.V'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    },
  },
  {
    kind: 'STORE',
    script: `${INLINE_T}STORE K FROM T INTO [lib://Data/out/t.csv] (txt);`,
    tables: {
      T: [
        ['K', 'V'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    },
    stored: { file: 'out/t.csv', contains: 'K\r\na\r\nb\r\nc\r\n' },
  },
  {
    kind: 'DROP TABLE / DROP FIELD',
    script: `${INLINE_T}X:\nNOCONCATENATE LOAD * RESIDENT T;\nDROP TABLE T;\nDROP FIELD V FROM X;`,
    tables: { X: [['K'], ['a'], ['b'], ['c']] },
  },
  {
    kind: 'RENAME TABLE / RENAME FIELD',
    script: `${INLINE_T}RENAME TABLE T TO U;\nRENAME FIELD V TO Value;`,
    tables: {
      U: [
        ['K', 'Value'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    },
  },
  {
    kind: 'IF … ELSEIF … ELSE',
    script:
      'LET n = 2;\nIF n = 1 THEN\n  SET r = one;\nELSEIF n = 2 THEN\n  SET r = two;\nELSE\n  SET r = other;\nEND IF',
    variables: { r: 'two' },
  },
  {
    kind: 'FOR … NEXT',
    script: "LET s = '';\nFOR i = 1 TO 7 STEP 3\n  LET s = '$(s)' & i;\nNEXT i",
    variables: { s: '147' },
  },
  {
    kind: 'FOR EACH … NEXT',
    script: "LET s = '';\nFOR EACH x IN 'a', 'b', 'c'\n  LET s = '$(s)' & '$(x)';\nNEXT x",
    variables: { s: 'abc' },
  },
  {
    kind: 'DO … LOOP',
    script: 'LET n = 0;\nDO WHILE n < 5\n  LET n = n + 1;\nLOOP',
    variables: { n: '5' },
  },
  {
    kind: 'SWITCH … CASE',
    script:
      "LET c = 'b';\nSWITCH c\n  CASE 'a'\n    SET r = A;\n  CASE 'b'\n    SET r = B;\n  DEFAULT\n    SET r = D;\nEND SWITCH",
    variables: { r: 'B' },
  },
  {
    kind: 'SUB … CALL',
    script: 'SUB twice(x)\n  LET r = x * 2;\nEND SUB\nCALL twice(21);',
    variables: { r: '42' },
  },
  {
    kind: 'EXIT FOR / EXIT SCRIPT',
    script: 'FOR i = 1 TO 10\n  EXIT FOR WHEN i = 3;\n  LET last = i;\nNEXT i\nEXIT SCRIPT;\nSET never = 1;',
    variables: { last: '2' },
  },
];

describe('the load-script executor, one statement kind at a time', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'qixflow-run-script-'));
    await mkdir(join(dataDir, 'files'));
    await writeFile(join(dataDir, 'files', 'people.csv'), 'Id,Name\n1,Ann\n2,Bob\n');
    await mkdir(join(dataDir, 'db', 'SalesDB'), { recursive: true });
    await writeFile(join(dataDir, 'db', 'SalesDB', 'dbo.Orders.csv'), 'OrderID,Status\n1,open\n2,closed\n');
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  function run(script: string, signal?: AbortSignal): Promise<LoadedModel> {
    return runScript(script, {
      dataDir,
      connections: [
        { name: 'Data', type: 'folder', connectionString: 'files' },
        { name: 'SalesDB', type: 'ODBC', connectionString: 'ODBC CONNECT TO [SalesDB]' },
      ],
      evaluate: scriptEvaluator(() => Date.UTC(2026, 0, 1)),
      ...(signal ? { signal } : {}),
    });
  }

  it.each(STATEMENTS)('$kind', async ({ script, tables, variables, stored }) => {
    const model = await run(script);
    if (tables) expect(tablesOf(model)).toEqual(tables);
    for (const [name, value] of Object.entries(variables ?? {})) expect(model.variables.get(name)).toBe(value);
    if (stored) expect(await readFile(join(dataDir, 'files', stored.file), 'utf8')).toBe(stored.contains);
    if (script.includes('SET never')) expect(model.variables.has('never')).toBe(false);
  });

  it('reports an unsupported statement as a script error with its line', async () => {
    const error = await run('SET a = 1;\nEXECUTE cmd.exe /c dir;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect(error).toMatchObject({
      line: 2,
      message: 'Statement not supported by the simulator: EXECUTE cmd.exe /c',
    });
  });

  it('stops at the next yield once aborted, with the engine’s aborted message', async () => {
    const controller = new AbortController();
    const running = run('FOR i = 1 TO 1e12\n  LET x = i;\nNEXT i', controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(100);
    expect(error).toMatchObject({ name: 'ScriptError', message: 'Reload aborted' });
  });

  it('SLEEP waits its milliseconds (the expression after expansion), and an abort ends the wait', async () => {
    const begin = performance.now();
    await run('LET vMs = 100 * 2;\nSLEEP $(vMs);\nSET after = yes;');
    expect(performance.now() - begin).toBeGreaterThanOrEqual(195);

    const controller = new AbortController();
    const sleeping = run('SLEEP 3600000;', controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const aborted = performance.now();
    controller.abort();
    expect(await sleeping.catch((e: unknown) => e)).toMatchObject({ name: 'ScriptError', message: 'Reload aborted' });
    expect(performance.now() - aborted).toBeLessThan(200);
  });
});
