import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { tableRows } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qixflow-interpret-'));
  await writeFile(
    join(dataDir, 'orders.csv'),
    'OrderID,OrderDate,Amount,Note\n1,2025-01-15,"1,250.50",rush\n2,2025-02-03,75,\n3,not a date,-,n/a\n',
  );
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function run(script: string): Promise<LoadedModel> {
  return runScript(script, {
    dataDir,
    connections: [{ name: 'Data', type: 'folder', connectionString: '.' }],
    evaluate: scriptEvaluator(() => Date.UTC(2026, 0, 1)),
  });
}

/** One column as [text, number] pairs (number null for NaN, the whole cell null for NULL). */
function column(model: LoadedModel, table: string, field: string): ([string, number | null] | null)[] {
  const t = model.tables.find((x) => x.name === table);
  if (!t) throw new Error(`no table ${table}`);
  const i = t.fields.indexOf(field);
  return tableRows(t).map((row) => {
    const cell = row[i] ?? null;
    return cell === null ? null : [cell.text, Number.isNaN(cell.num) ? null : cell.num];
  });
}

const FROM_CSV = "FROM [lib://Data/orders.csv] (txt, utf8, embedded labels, delimiter is ',', msq)";

describe('automatic interpretation of loaded text', () => {
  it('reads dates with the DateFormat and numbers with the separators, keeping the text as written', async () => {
    const model = await run(
      `SET DateFormat='YYYY-MM-DD'; SET ThousandSep=','; SET DecimalSep='.';\nO: LOAD OrderID, OrderDate, Amount, Year(OrderDate) AS Y ${FROM_CSV};`,
    );
    // 2025-01-15 is day 45 672 after 1899-12-30; 2025-02-03 is 45 691.
    expect(column(model, 'O', 'OrderDate')).toEqual([
      ['2025-01-15', 45672],
      ['2025-02-03', 45691],
      ['not a date', null],
    ]);
    expect(column(model, 'O', 'Amount')).toEqual([
      ['1,250.50', 1250.5],
      ['75', 75],
      ['-', null],
    ]);
    expect(column(model, 'O', 'Y')).toEqual([['2025', 2025], ['2025', 2025], null]);
  });

  it('does not read another locale’s dates', async () => {
    const model = await run(`SET DateFormat='DD.MM.YYYY';\nO: LOAD OrderDate ${FROM_CSV};`);
    expect(column(model, 'O', 'OrderDate')?.[0]).toEqual(['2025-01-15', null]);
  });

  it('keeps an empty value as an empty text, and NULL only for NullInterpret', async () => {
    const plain = await run(`O: LOAD OrderID, Note ${FROM_CSV};\nC: LOAD Count(Note) AS N RESIDENT O;`);
    expect(column(plain, 'O', 'Note')?.[1]).toEqual(['', null]);
    expect(column(plain, 'C', 'N')).toEqual([['3', 3]]);
    const nulls = await run(
      `SET NullInterpret = '';\nO: LOAD OrderID, Note ${FROM_CSV};\nC: LOAD Count(Note) AS N RESIDENT O;`,
    );
    expect(column(nulls, 'O', 'Note')?.[1]).toBeNull();
    expect(column(nulls, 'C', 'N')).toEqual([['2', 2]]);
  });

  it('interprets INLINE values the same way', async () => {
    const model = await run("SET DateFormat='M/D/YYYY';\nT: LOAD * INLINE [\nD, V\n1/31/2025, 1.5\n, x\n];");
    expect(column(model, 'T', 'D')).toEqual([
      ['1/31/2025', 45688],
      ['', null],
    ]);
    expect(column(model, 'T', 'V')).toEqual([
      ['1.5', 1.5],
      ['x', null],
    ]);
  });
});
