import { describe, expect, it } from 'vitest';
import { describeReloadFailures } from '../src/index.js';

const failed = (i: number, line: number, message: string) => ({
  appId: `app-${i}`,
  appName: `App ${i}`,
  status: 'failed' as const,
  error: { line, message },
});

describe('describeReloadFailures', () => {
  it('prints one line per failed reload and nothing for the others', () => {
    expect(
      describeReloadFailures([
        { appId: 'a', appName: 'Fine', status: 'succeeded' },
        failed(1, 12, "Field 'X' not found"),
        failed(2, 0, 'Reload budget exceeded: rows (10) while building the data model'),
      ]),
    ).toEqual([
      `reload of "App 1" (app-1) failed at line 12: Field 'X' not found`,
      // Line 0 is after the last statement: no line to name.
      `reload of "App 2" (app-2) failed: Reload budget exceeded: rows (10) while building the data model`,
    ]);
  });

  it('keeps each failure on one line, control characters visible and long messages cut', () => {
    const [line] = describeReloadFailures([
      {
        appId: 'x',
        appName: 'Evil\u001b[2J\nName',
        status: 'failed',
        error: { line: 3, message: `a\nb ${'z'.repeat(400)}` },
      },
    ]);
    expect(line).toMatch(/^reload of "Evil\\u001b\[2J Name" \(x\) failed at line 3: a b z+…$/);
    expect(line?.length).toBeLessThan(400);
  });

  it('counts the failures beyond the first few', () => {
    const lines = describeReloadFailures(
      Array.from({ length: 5 }, (_, i) => failed(i, 1, 'boom')),
      3,
    );
    expect(lines).toEqual([
      'reload of "App 0" (app-0) failed at line 1: boom',
      'reload of "App 1" (app-1) failed at line 1: boom',
      'reload of "App 2" (app-2) failed at line 1: boom',
      '… and 2 more failed reloads',
    ]);
  });
});
