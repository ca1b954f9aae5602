import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/internal/data/model/loaded-model.js';
import { rowsOf } from '../../../src/internal/data/model/table-rows.js';
import { runScript } from '../../../src/internal/reload/run-script.js';
import { ScriptError } from '../../../src/internal/reload/script-error.js';
import { scriptEvaluator } from '../../../src/internal/reload/script-evaluator.js';

let dataDir: string;
const CSV = 'Region,Amount\nNorth,100\nSouth,50\n';
// 2025-03-01 12:00:00 UTC: day 45 717 after 1899-12-30, and a half.
const MODIFIED = new Date(Date.UTC(2025, 2, 1, 12, 0, 0));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'qixflow-filefn-'));
  await mkdir(join(dataDir, 'files', 'monthly'), { recursive: true });
  await writeFile(join(dataDir, 'files', 'monthly', 'sales_2025-01.csv'), CSV);
  await utimes(join(dataDir, 'files', 'monthly', 'sales_2025-01.csv'), MODIFIED, MODIFIED);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function run(script: string): Promise<LoadedModel> {
  return runScript(script, {
    dataDir,
    connections: [{ name: 'Data', type: 'folder', connectionString: 'files' }],
    evaluate: scriptEvaluator(),
  });
}

const FILE = 'lib://Data/monthly/sales_2025-01.csv';

describe('file functions', () => {
  it('name the parts of the file a LOAD reads, as the script wrote its path', async () => {
    const model = await run(
      `T: LOAD Region, FileName() AS N, FileBaseName() AS B, FileExtension() AS E, FileDir() AS D, FilePath() AS P, FileSize() AS S\nFROM [${FILE}] (txt, embedded labels, delimiter is ',');`,
    );
    const [row] = rowsOf(model.tables[0]);
    expect(row?.map((c) => c?.text)).toEqual([
      'North',
      'sales_2025-01.csv',
      'sales_2025-01',
      'csv',
      'lib://Data/monthly',
      FILE,
      String(CSV.length),
    ]);
  });

  it('are NULL outside a LOAD from a file', async () => {
    const model = await run('T: LOAD IsNull(FileName()) AS X AUTOGENERATE 1;');
    expect(rowsOf(model.tables[0])[0]?.[0]?.num).toBe(-1);
  });

  it('read sizes, times and QVD headers of any file; NULL when it does not exist', async () => {
    const model = await run(
      [
        "SET TimestampFormat='YYYY-MM-DD hh:mm:ss';",
        `LET vSize = FileSize('${FILE}');`,
        `LET vTime = FileTime('${FILE}');`,
        `LET vMissing = IsNull(QvdCreateTime('lib://Data/none.qvd'));`,
        `T: LOAD * FROM [${FILE}] (txt, embedded labels, delimiter is ',');`,
        'STORE T INTO [lib://Data/t.qvd] (qvd);',
        "LET vRecords = QvdNoOfRecords('lib://Data/t.qvd');",
        "LET vFields = QvdNoOfFields('lib://Data/t.qvd');",
        "LET vSecond = QvdFieldName('lib://Data/t.qvd', 2);",
        "LET vTable = QvdTableName('lib://Data/t.qvd');",
        "LET vCreated = IsNull(QvdCreateTime('lib://Data/t.qvd'));",
      ].join('\n'),
    );
    const v = (name: string): string | undefined => model.variables.get(name);
    expect([v('vSize'), v('vTime'), v('vMissing')]).toEqual([String(CSV.length), '2025-03-01 12:00:00', '-1']);
    expect([v('vRecords'), v('vFields'), v('vSecond'), v('vTable'), v('vCreated')]).toEqual([
      '2',
      '2',
      'Amount',
      'T',
      '0',
    ]);
  });

  it('refuse a path that leaves the data folder, like any read', async () => {
    const error = await run("LET x = FileSize('lib://Data/../../etc/passwd');").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScriptError);
    expect((error as ScriptError).message).toBe("Path outside the data folder: 'lib://Data/../../etc/passwd'");
  });
});
