import { describe, expect, it } from 'vitest';
import { analyseApp } from '../../src/internal/app/analyse-app.js';
import type { AppSnapshot } from '../../src/internal/app/app-snapshot.js';
import { scriptLogError } from '../../src/internal/site/script-log-error.js';
import { snapshotOf } from '../support/snapshot.js';

const SCRIPT = 'T: LOAD A FROM [lib://Files/a.csv] (txt);\nSTORE T INTO [lib://QVDs/t.qvd] (qvd);\n';

function diagnostics(
  extra: Partial<AppSnapshot>,
): { code: string; severity: string; message: string; line?: number }[] {
  return analyseApp(snapshotOf(SCRIPT, { lineage: [], ...extra }), { includeScript: false }).report.diagnostics.filter(
    (d) => d.code === 'lineage-empty' || d.code === 'reload-failed',
  );
}

describe('why GetLineage is empty', () => {
  it('says the app was never reloaded when the engine has no reload time', () => {
    expect(diagnostics({ engineReloadTime: null })).toEqual([
      {
        code: 'lineage-empty',
        severity: 'info',
        message: 'GetLineage is empty: the app was never reloaded; sources are from the script only',
      },
    ]);
  });

  it('says the last reload failed, with the line and the error, when the repository recorded a failure', () => {
    const failure = {
      at: '2026-03-01T02:00:00.000Z',
      task: 'Reload Sales',
      line: 6,
      message: "Table 'Nope' not found",
    };
    expect(
      diagnostics({
        engineReloadTime: '2026-02-04T06:00:00.000Z',
        inventory: { lastReloadTime: '2026-02-04T06:00:00.000Z', lastReloadFailure: failure },
      }),
    ).toEqual([
      {
        code: 'reload-failed',
        severity: 'warning',
        message: "reload failed at line 6: Table 'Nope' not found",
        line: 6,
      },
      {
        code: 'lineage-empty',
        severity: 'info',
        message:
          "GetLineage is empty: the last reload failed at line 6: Table 'Nope' not found; sources are from the script only",
      },
    ]);
  });

  it('names the task and the time of a failure whose script log could not be read', () => {
    const [failed] = diagnostics({
      engineReloadTime: null,
      inventory: { lastReloadFailure: { at: '2026-03-01T02:00:00.000Z', task: 'Reload Sales' } },
    });
    expect(failed).toEqual({
      code: 'reload-failed',
      severity: 'warning',
      message: "reload failed (task 'Reload Sales') at 2026-03-01T02:00:00.000Z; its script log could not be read",
    });
  });

  it('keeps the failure in view when the lineage is that of an earlier reload', () => {
    const found = analyseApp(
      snapshotOf(SCRIPT, {
        lineage: [{ qDiscriminator: 'lib://Files/a.csv;', qStatement: 'LOAD A FROM [lib://Files/a.csv] (txt)' }],
        inventory: { lastReloadFailure: { at: '2026-03-01T02:00:00.000Z', line: 2, message: 'Cannot write' } },
      }),
      { includeScript: false },
    ).report.diagnostics.filter((d) => d.code === 'lineage-empty' || d.code === 'reload-failed');
    expect(found.map((d) => [d.code, d.message])).toEqual([['reload-failed', 'reload failed at line 2: Cannot write']]);
  });

  it('tells an empty lineage of a reloaded app apart, and keeps the old wording when nothing is known', () => {
    expect(diagnostics({ engineReloadTime: '2026-02-04T06:00:00.000Z' })[0]?.message).toBe(
      'GetLineage is empty although the app was reloaded (2026-02-04T06:00:00.000Z); sources are from the script only',
    );
    expect(diagnostics({})[0]?.message).toBe('GetLineage is empty (never reloaded?): sources are from the script only');
  });
});

describe('scriptLogError', () => {
  it('finds the error and the first line of the statement that failed', () => {
    const log = [
      '20260301T020000.000+0100 Execution started.',
      "20260301T020000.010+0100 0003  SET vPath = 'lib://QVDs';",
      '20260301T020000.020+0100 0005  Orders:',
      '20260301T020000.020+0100 0006  LOAD OrderID,',
      '20260301T020000.020+0100 0007      Amount',
      '20260301T020000.020+0100 0008  FROM [lib://QVDs/orders.qvd] (qvd);',
      "20260301T020000.030+0100       Error: Field 'Amount' not found",
      '20260301T020000.030+0100       Execution Failed',
      '20260301T020000.030+0100      Execution finished.',
      '',
    ].join('\r\n');
    // Line 5 is the label of the same statement: 0005 does not end one.
    expect(scriptLogError(log)).toEqual({ line: 5, message: "Field 'Amount' not found" });
  });

  it('does not run into the previous statement, and gives no line when no statement is echoed', () => {
    const at = '20260301T020000.000+0100';
    const log = `${at} 0001  SET a = 1;\r\n${at} 0002  DROP TABLE Nope;\r\n${at}       Error: Table not found\r\n`;
    expect(scriptLogError(log)).toEqual({
      line: 2,
      message: 'Table not found',
    });
    expect(scriptLogError('2026-03-01 02:00:00      Error: Out of memory\n')).toEqual({ message: 'Out of memory' });
    expect(scriptLogError('20260301T020000.000+0100      Execution finished.\r\n')).toBeUndefined();
  });
});
