import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

function run(script: string): Promise<LoadedModel> {
  return runScript(script, { dataDir: '/nonexistent', connections: [], evaluate: scriptEvaluator() });
}

function tables(model: LoadedModel): Record<string, string[]> {
  return Object.fromEntries(
    model.tables.map((t) => [t.name, tableRows(t).map((r) => r.map((c) => c?.text ?? '-').join('|'))]),
  );
}

const T1 = 'T: LOAD * INLINE [\nA, B\n1, x\n2, y\n];\n';

describe('LOAD prefixes in a full reload (help.qlik.com script prefixes)', () => {
  it('ADD loads as a normal LOAD; ADD ONLY is for partial reloads and is skipped', async () => {
    const model = await run(`${T1}ADD LOAD * INLINE [\nA, B\n3, z\n];\nADD ONLY LOAD * INLINE [\nA, B\n4, w\n];`);
    expect(tables(model)).toEqual({ T: ['1|x', '2|y', '3|z'] });
  });

  it('REPLACE drops the table it would concatenate to, then loads a new one', async () => {
    const model = await run(`${T1}T2:\nREPLACE LOAD * INLINE [\nA, B\n9, q\n];`);
    expect(tables(model)).toEqual({ T2: ['9|q'] });
  });

  it('REPLACE without a table of the same fields is a normal LOAD; REPLACE ONLY is skipped', async () => {
    const model = await run(`${T1}U:\nREPLACE LOAD * INLINE [\nC\n5\n];\nREPLACE ONLY LOAD * INLINE [\nA, B\n0, o\n];`);
    expect(tables(model)).toEqual({ T: ['1|x', '2|y'], U: ['5'] });
  });

  it('BUFFER loads as usual; SAMPLE 1 keeps every record and SAMPLE 0 none', async () => {
    const model = await run(
      'B: BUFFER LOAD RecNo() AS N AUTOGENERATE 3;\nS1: SAMPLE 1 LOAD RecNo() AS M AUTOGENERATE 4;\nS0: SAMPLE 0 LOAD RecNo() AS Z AUTOGENERATE 4;',
    );
    expect(tables(model)).toEqual({ B: ['1', '2', '3'], S1: ['1', '2', '3', '4'], S0: [] });
  });

  it.each([
    ['GENERIC', 'G: GENERIC LOAD * INLINE [\nK, A, V\n1, x, 2\n];'],
    ['HIERARCHY', 'H: HIERARCHY(N, P, Name) LOAD * INLINE [\nN, P, Name\n1, , a\n];'],
    ['MERGE', 'M: MERGE ON A LOAD * INLINE [\nA\n1\n];'],
  ])('refuses %s with a script error naming it and the line', async (name, script) => {
    const error = await run(`SET x = 1;\n${script}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).message).toBe(`The ${name} prefix is not supported by the simulator`);
    expect((error as ScriptError).line).toBe(2);
  });
});

describe('Count(*) in a GROUP BY', () => {
  it('counts every record of the group, NULLs included', async () => {
    const model = await run(
      "T: LOAD * INLINE [\nK, V\na, 1\na,\nb, 2\n];\nSET NullInterpret = '';\nU: NOCONCATENATE LOAD * INLINE [\nK, V\na, 1\na,\nb, 2\n];\nC: LOAD K AS G, Count(*) AS N, Count(V) AS NV RESIDENT U GROUP BY K;\nDROP TABLES T, U;",
    );
    // a: two records, one V NULL (NullInterpret ''); b: one record.
    expect(tables(model)).toEqual({ C: ['a|2|1', 'b|1|1'] });
  });
});
