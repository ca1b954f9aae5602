import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

function run(script: string): Promise<LoadedModel> {
  return runScript(script, { dataDir: '/nonexistent', connections: [], evaluate: scriptEvaluator() });
}

function rowsOf(model: LoadedModel, name: string): string[][] {
  const table = model.tables.find((t) => t.name === name);
  if (!table) throw new Error(`no table ${name}: ${model.tables.map((t) => t.name).join(', ')}`);
  return [[...table.fields], ...tableRows(table).map((row) => row.map((cell) => cell?.text ?? '-'))];
}

const EVENTS_AND_SHIFTS = `Events: LOAD * INLINE [
Time, Event
1, A
5, B
10, C
15, D
x, E
];
Shifts: LOAD * INLINE [
Start, End, Shift
0, 5, Morning
5, 12, Day
12, , Open
20, 30, Late
];
`;

describe('IntervalMatch', () => {
  it('links each numeric value of the match field to every closed interval holding it; NULL limits drop the interval', async () => {
    const model = await run(`${EVENTS_AND_SHIFTS}M: IntervalMatch(Time) LOAD Start, End RESIDENT Shifts;`);
    // 5 lies in [0, 5] and [5, 12] (both ends included); 15 in none; 'x' is not a number; [12, NULL] is dropped.
    expect(rowsOf(model, 'M')).toEqual([
      ['Start', 'End', 'Time'],
      ['0', '5', '1'],
      ['0', '5', '5'],
      ['5', '12', '5'],
      ['5', '12', '10'],
    ]);
  });

  it('goes with a JOIN prefix: the intervals table gains the match field', async () => {
    const model = await run(
      `${EVENTS_AND_SHIFTS}INNER JOIN (Shifts) IntervalMatch(Time) LOAD Start, End RESIDENT Shifts;`,
    );
    expect(rowsOf(model, 'Shifts')).toEqual([
      ['Start', 'End', 'Shift', 'Time'],
      ['0', '5', 'Morning', '1'],
      ['0', '5', 'Morning', '5'],
      ['5', '12', 'Day', '5'],
      ['5', '12', 'Day', '10'],
    ]);
  });

  it('extended form: a value matches only the intervals of its own keys', async () => {
    const model = await run(`Tx: LOAD * INLINE [
Date, Key, Amount
3, a, 1
3, b, 2
8, a, 3
];
Rates: LOAD * INLINE [
From, To, Key, Rate
1, 5, a, 0.1
6, 9, a, 0.2
1, 9, b, 0.3
];
IM: IntervalMatch(Date, Key) LOAD From, To, Key RESIDENT Rates;`);
    expect(rowsOf(model, 'IM')).toEqual([
      ['From', 'To', 'Key', 'Date'],
      ['1', '5', 'a', '3'],
      ['6', '9', 'a', '8'],
      ['1', '9', 'b', '3'],
    ]);
  });

  it('reports a match field not loaded, a LOAD without both limits and a key the LOAD lacks', async () => {
    const errors = await Promise.all(
      [
        `${EVENTS_AND_SHIFTS}IntervalMatch(Nope) LOAD Start, End RESIDENT Shifts;`,
        `${EVENTS_AND_SHIFTS}IntervalMatch(Time) LOAD Start RESIDENT Shifts;`,
        `${EVENTS_AND_SHIFTS}IntervalMatch(Time, Event) LOAD Start, End, Shift RESIDENT Shifts;`,
      ].map((script) => run(script).catch((e: unknown) => e)),
    );
    expect(errors.map((e) => [(e as ScriptError).line, (e as ScriptError).message])).toEqual([
      [16, "IntervalMatch: no field 'Nope' loaded before it"],
      [16, 'IntervalMatch(Time) needs a LOAD of the lower and upper limits'],
      [16, "IntervalMatch: the LOAD of the intervals has no key field 'Event'"],
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(ScriptError);
  });
});
