import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow, startQixflow } from './support/run-qixflow.js';
import { SALES_DASHBOARD, startTestSimulator, type TestSimulator } from './support/test-simulator.js';

let t: TestSimulator;
const GEOGRAPHY_BAR = 'aZPmCQ'; // Sales Dashboard, "Sales by Geography": one row per region

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
});

describe('qixflow watch', () => {
  it('prints layouts and selections live, follows a change made elsewhere, and ends cleanly on SIGINT', {
    timeout: 60_000,
  }, async () => {
    const socketsBefore = t.sim.stats().proxy.sockets;
    const watch = startQixflow(['watch', 'Sales Dashboard', ...t.flags()]);
    const first = await watch.waitForLine(
      new RegExp(`layout +${GEOGRAPHY_BAR} +barchart +"Sales by Geography" +qcy=(\\d+)`),
      {
        timeoutMs: 30_000,
      },
    );
    const regionsBefore = Number(/qcy=(\d+)/.exec(first.line)?.[1]);
    expect(regionsBefore).toBeGreaterThan(1);
    await watch.waitForLine(/selections +\(none\)/);
    // What a person watches for: the KPI's value and the chart's first rows, not only a row count.
    expect(watch.stdout()).toMatch(
      /^\d{2}:\d{2}:\d{2}\.\d{3} +layout +\S+ +kpi +"Total Sales" +qcy=1 +Total Sales: \S.*$/m,
    );
    expect(first.line).toMatch(/qcy=\d+ +Region \| [^:]+: \S[^;]* \| [^;]+; /);
    expect(watch.stderr()).toContain(`watching Sales Dashboard (${SALES_DASHBOARD})`);

    // A second connection of the same user shares the engine session (and its selections).
    const doc = await t.site().openApp(SALES_DASHBOARD).open();
    const from = watch.lineCount();
    await (await doc.getField('Region')).selectValues([{ qText: 'Nordics' }]);
    await watch.waitForLine(/selections +Region: Nordics$/, { afterLine: from });
    const after = await watch.waitForLine(
      // The drill-down goes from regions to the countries of the selected one: the column is
      // titled by the active field (qFallbackTitle is the label of the drill-down's active field).
      new RegExp(
        `layout +${GEOGRAPHY_BAR} +barchart +"Sales by Geography" +qcy=\\d+ +Country \\| Total Sales: Sweden \\| `,
      ),
      {
        afterLine: from,
      },
    );
    // Fewer rows once the other regions are excluded.
    expect(Number(/qcy=(\d+)/.exec(after.line)?.[1])).toBeLessThan(regionsBefore);

    // A reload elsewhere shows up as a reload line.
    const beforeReload = watch.lineCount();
    expect(await doc.doReload()).toBe(true);
    await watch.waitForLine(/reload +last reload \d{4}-\d{2}-\d{2}T/, { afterLine: beforeReload });

    watch.process.kill('SIGINT');
    const result = await watch.done;
    expect(result.stderr).toContain('stopped');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/error/i);
    // The watch's websocket is gone; only the test's own connection remains.
    expect(t.sim.stats().proxy.sockets).toBe(socketsBefore + 1);
  });

  it('watches named objects only, as JSON lines', async () => {
    const watch = startQixflow(['watch', SALES_DASHBOARD, GEOGRAPHY_BAR, '--json', '--no-selections', ...t.flags()]);
    const { line } = await watch.waitForLine(/"kind":"layout"/, { timeoutMs: 30_000 });
    expect(JSON.parse(line)).toMatchObject({
      kind: 'layout',
      id: GEOGRAPHY_BAR,
      type: 'barchart',
      title: 'Sales by Geography',
      summary: {
        columns: ['Region', 'Total Sales'],
        rows: [
          ['Nordics', expect.stringMatching(/^€[\d,]+$/)],
          [expect.any(String), expect.any(String)],
          [expect.any(String), expect.any(String)],
        ],
      },
    });
    watch.process.kill('SIGINT');
    const result = await watch.done;
    expect(result.code).toBe(0);
    const kinds = result.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { kind: string; id?: string }).id ?? 'none');
    expect(new Set(kinds)).toEqual(new Set([GEOGRAPHY_BAR]));
  });

  it('exits 2 for an app or object that does not exist', async () => {
    const app = await runQixflow(['watch', 'No Such App', ...t.flags()]);
    expect(app.code).toBe(2);
    expect(app.stderr).toContain('error ERR_APP_NOT_FOUND: no app with id or name "No Such App"');
    const object = await runQixflow(['watch', 'Sales Dashboard', 'nope', ...t.flags()]);
    expect(object.code).toBe(2);
    expect(object.stderr).toContain('error ERR_OBJECT_NOT_FOUND: no object "nope" in the app');
  });
});
