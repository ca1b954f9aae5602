import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChangeFilter } from '../src/internal/change-filter.js';
import { type RunningQixflow, runQixflow, startQixflow } from './support/run-qixflow.js';
import { startTestSimulator, type TestSimulator, writeForeignKey } from './support/test-simulator.js';

const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';
const FINANCE = 'd8c3f1a6-4e9b-47d2-8a1f-3c6e5b0d9f12';
const HR_TASK = 'c5d7e9f1-6a8b-4c0d-8e2f-4a5b6c7d8e49';
const WATCHER = { userId: 'site-watcher', userDirectory: 'DEMO' };
const OTHER = { userId: 'site-editor', userDirectory: 'DEMO' };

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the watch stored its cursor (after its first poll): from then on it sees every change. */
async function cursorStored(stateDir: string): Promise<string> {
  const start = Date.now();
  for (;;) {
    const files = await readdir(join(stateDir, 'watch')).catch(() => [] as string[]);
    const file = files.find((f) => f.endsWith('.json'));
    if (file !== undefined) return join(stateDir, 'watch', file);
    if (Date.now() - start > 30_000) throw new Error('the watch stored no cursor in 30 s');
    await sleep(50);
  }
}

/** Reload + save by another client, through the engine. */
async function reloadAndSave(appId: string): Promise<void> {
  await t.site(OTHER).withApp(appId, async (doc) => {
    expect(await doc.doReload()).toBe(true);
    await doc.doSave();
  });
}

const events = (watch: RunningQixflow) =>
  watch
    .stdout()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; appId: string; appName: string; stream: string | null });

describe('qixflow watch --site', () => {
  it('prints a reload + save by another client once, as NDJSON; a restarted watch repeats nothing and catches what happened meanwhile; one proxy session', {
    timeout: 120_000,
  }, async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'qixflow-watch-state-'));
    const env = { QIXFLOW_STATE_DIR: stateDir };
    const args = ['watch', '--site', '--json', '--interval-ms', '200', '--max-interval-ms', '400', ...t.flags(WATCHER)];

    const first = startQixflow(args, { env });
    const cursorFile = await cursorStored(stateDir);
    await reloadAndSave(HR);
    const { line } = await first.waitForLine(/"type":"app\.reloaded"/, { timeoutMs: 10_000 });
    expect(JSON.parse(line)).toMatchObject({
      type: 'app.reloaded',
      appId: HR,
      appName: 'HR Overview',
      stream: expect.anything(),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      durationMs: null,
      taskId: null,
    });
    expect(Object.keys(JSON.parse(line)).slice(0, 5)).toEqual(['type', 'appId', 'appName', 'stream', 'at']);
    await sleep(1500); // several more polls
    first.process.kill('SIGINT');
    const firstResult = await first.done;
    expect(firstResult.code).toBe(0);
    expect(firstResult.stderr).toBe('');
    expect(events(first).filter((e) => e.type === 'app.reloaded')).toHaveLength(1);
    expect((await stat(cursorFile)).mode & 0o777).toBe(0o600);

    // While no watch runs: Finance is reloaded and saved.
    await reloadAndSave(FINANCE);

    const second = startQixflow(args, { env });
    await second.waitForLine(/"type":"app\.reloaded"/, { timeoutMs: 15_000 });
    await sleep(1500);
    second.process.kill('SIGINT');
    expect((await second.done).code).toBe(0);
    const reloaded = events(second).filter((e) => e.type === 'app.reloaded');
    expect(reloaded.map((e) => e.appId)).toEqual([FINANCE]);
    // The HR reload the first watch printed is not repeated, by any event.
    expect(events(second).filter((e) => e.appId === HR)).toEqual([]);

    // One proxy session for both watches: the second took the stored one over.
    expect(t.sim.audit.sessionsCreated('DEMO\\site-watcher')).toBe(1);
  });

  it('prints readable lines, narrowed by --filter, and ends cleanly on SIGINT', { timeout: 60_000 }, async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'qixflow-watch-state-'));
    const watch = startQixflow(
      ['watch', '--site', '--filter', 'type=task.*,reload.failed', '--interval-ms', '200', ...t.flags(WATCHER)],
      { env: { QIXFLOW_STATE_DIR: stateDir } },
    );
    await cursorStored(stateDir);
    await t.site(OTHER).qrs.post(`/task/${HR_TASK}/start`);
    const { line } = await watch.waitForLine(/task\.started/, { timeoutMs: 15_000 });
    expect(line).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} {2}task\.started +"HR Overview" {2}(no stream|stream \S+) {2}task "Reload HR Overview"$/,
    );
    await sleep(1500);
    watch.process.kill('SIGINT');
    const result = await watch.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('watching the changes of');
    expect(result.stderr).toContain('stopped');
    // The task's app.reloaded did not pass the filter.
    expect(result.stdout).not.toContain('app.reloaded');
  });

  it('usage errors: an app with --site, --site flags without it, a filter it cannot read', async () => {
    const withApp = await runQixflow(['watch', '--site', 'Sales Dashboard', ...t.flags(WATCHER)]);
    expect(withApp.code).toBe(2);
    expect(withApp.stderr).toContain('--site watches the whole site');
    const noSite = await runQixflow(['watch', 'Sales Dashboard', '--filter', 'type=app.reloaded', ...t.flags(WATCHER)]);
    expect(noSite.code).toBe(2);
    expect(noSite.stderr).toContain('go with --site');
    const badField = await runQixflow(['watch', '--site', '--filter', 'colour=red', ...t.flags(WATCHER)]);
    expect(badField.code).toBe(2);
    expect(badField.stderr).toContain('no event field "colour"');
  });

  it('a first poll that fails ends the watch with its error: a key the proxy refuses exits 4', async () => {
    const flags = t.flags(WATCHER);
    flags[flags.indexOf('--key-file') + 1] = await writeForeignKey(t.dir);
    const result = await runQixflow(['watch', '--site', '--json', '--no-persist-session', ...flags]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error ERR_/m);
  });
});

describe('parseChangeFilter', () => {
  const reloaded = { type: 'app.reloaded', appName: 'Sales Dashboard', stream: 'Sales', durationMs: 9000 };
  const failed = { type: 'reload.failed', appName: 'HR', stream: undefined, logTail: ['a', 'Execution Failed'] };
  it.each([
    [['type=app.reloaded,reload.failed'], true, true],
    [['type=app.*;stream=sales'], true, false],
    [['stream='], false, true],
    [['stream!=Sales'], false, true],
    [['durationMs>5000'], true, false],
    [['durationMs<5000'], false, false],
    [['logTail=*failed*'], false, true],
    [['appName=sales dashboard', 'type=app.reloaded'], true, false],
    [[], true, true],
  ])('%j', (expressions, forReloaded, forFailed) => {
    const pass = parseChangeFilter(expressions);
    expect(pass(reloaded)).toBe(forReloaded);
    expect(pass(failed)).toBe(forFailed);
  });
  it('says what is wrong', () => {
    expect(() => parseChangeFilter(['durationMs>soon'])).toThrow('durationMs> needs a number');
    expect(() => parseChangeFilter(['just words'])).toThrow('cannot read the condition');
  });
});
