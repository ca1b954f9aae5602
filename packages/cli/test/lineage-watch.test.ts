import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow, startQixflow } from './support/run-qixflow.js';
import { startTestSimulator, type TestSimulator } from './support/test-simulator.js';

const HR = '91e4a7c2-6d3b-4a8f-b5e1-0f2c8d6a3b74';
const HR_TASK = 'c5d7e9f1-6a8b-4c0d-8e2f-4a5b6c7d8e49';
const WATCHER = { userId: 'lineage-watcher', userDirectory: 'DEMO' };
const EDITOR = { userId: 'lineage-editor', userDirectory: 'DEMO' };

interface Graph {
  nodes: { id: string; name: string; appId?: string }[];
  edges: { id: string; appId?: string }[];
  apps: { appId: string; status: string; reload?: unknown }[];
}

let t: TestSimulator;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-lineage-watch-'));
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Everything of the graph that is not the app's own. */
const othersOf = (graph: Graph, appId: string) => ({
  nodes: graph.nodes.filter((n) => n.appId !== appId),
  edges: graph.edges.filter((e) => e.appId !== appId),
  apps: graph.apps.filter((a) => a.appId !== appId),
});

describe('qixflow lineage --watch', () => {
  it('re-extracts exactly the app another client reloaded and saved; the other apps’ parts of lineage.json stay as they were', {
    timeout: 120_000,
  }, async () => {
    const out = join(dir, 'watch');
    const graphFile = join(out, 'lineage.json');
    const watch = startQixflow(
      ['lineage', '--watch', '--interval-ms', '200', '--concurrency', '2', '--out', out, ...t.flags(WATCHER)],
      { timeoutMs: 110_000 },
    );
    await watch.waitForLine(/^lineage written to /, { timeoutMs: 60_000 });
    const before = JSON.parse(await readFile(graphFile, 'utf8')) as Graph;
    expect(before.apps).toHaveLength(5);
    const mtimeBefore = (await stat(graphFile)).mtimeMs;

    // Another client: a new table in HR's script, reloaded and saved through the engine.
    await t.site(EDITOR).withApp(HR, async (doc) => {
      const script = await doc.getScript();
      await doc.setScript(`${script}\nWatchProbe:\nLOAD * INLINE [\nprobe, value\na, 1\n];\n`);
      expect(await doc.doReload()).toBe(true);
      await doc.doSave();
    });
    const { line } = await watch.waitForLine(/^lineage updated: /, { timeoutMs: 20_000 });
    expect(line).toMatch(
      /^lineage updated: "HR Overview" \(app\.reloaded\): 1 extracted, 4 re-used → lineage\.json, openlineage\.ndjson, lineage\.html$/,
    );
    const after = JSON.parse(await readFile(graphFile, 'utf8')) as Graph;
    expect((await stat(graphFile)).mtimeMs).toBeGreaterThan(mtimeBefore);
    expect(othersOf(after, HR)).toEqual(othersOf(before, HR));
    expect(before.nodes.some((n) => n.appId === HR && n.name.includes('WatchProbe'))).toBe(false);
    expect(after.nodes.some((n) => n.appId === HR && n.name.includes('WatchProbe'))).toBe(true);
    expect(await readFile(join(out, 'lineage.html'), 'utf8')).toContain('WatchProbe');

    // A reload task that fails: the app's report says so, the others are untouched again.
    await t.site(EDITOR).withApp(HR, async (doc) => {
      await doc.setScript(
        "LOAD * FROM [lib://DataFiles/no-such-file.csv] (txt, utf8, embedded labels, delimiter is ',');",
      );
      await doc.doSave();
    });
    await t.site(EDITOR).qrs.post(`/task/${HR_TASK}/start`);
    const failed = await watch.waitForLine(/^lineage updated: "HR Overview" \(reload\.failed\)/, {
      timeoutMs: 20_000,
      afterLine: watch.lineCount(),
    });
    expect(failed.line).toMatch(/1 extracted, 4 re-used/);
    const afterFailure = JSON.parse(await readFile(graphFile, 'utf8')) as Graph;
    expect(othersOf(afterFailure, HR)).toEqual(othersOf(before, HR));
    expect(JSON.stringify(afterFailure.apps.find((a) => a.appId === HR))).toMatch(/no-such-file/);

    watch.process.kill('SIGINT');
    const result = await watch.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('watching the site for reloads');
    expect(result.stderr).toContain('stopped');
    expect(result.stderr).not.toMatch(/^(error|warning)/m);
    expect(t.sim.audit.sessionsCreated('DEMO\\lineage-watcher')).toBe(1);
  });

  it('--interval-ms without --watch is a usage error', async () => {
    const result = await runQixflow(['lineage', '--interval-ms', '500', '--out', join(dir, 'x'), ...t.flags(WATCHER)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--interval-ms goes with --watch');
  });
});
