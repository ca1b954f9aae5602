import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Site } from '@qixflow/core';
import type { Simulator } from '@qixflow/sense-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSiteLineage, type LineageGraph } from '../src/index.js';
import { siteFor, startSimulator } from './support/simulator.js';

// Line 5 reads a table that does not exist: the start-up reload (its task's run) fails there.
const FAILING = "SET vSource = 'x';\nT:\nLOAD * INLINE [A\n1];\nLOAD A RESIDENT Nope;\n";

describe('lineage of a site whose reloads failed', () => {
  let sim: Simulator;
  let site: Site;
  let out: string;
  let graph: LineageGraph;
  beforeAll(async () => {
    sim = await startSimulator({
      name: 'failing reloads',
      reloadTasks: [{ name: 'Reload Sales', app: 'app-sales' }],
      apps: [
        { id: 'app-sales', name: 'Sales', script: FAILING },
        { id: 'app-good', name: 'Good', script: 'T: LOAD * INLINE [A\n1];\n' },
      ],
    });
    site = siteFor(sim);
    out = await mkdtemp(join(tmpdir(), 'qixflow-lineage-failed-'));
    await extractSiteLineage(site, { outDir: out, concurrency: 2 });
    graph = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8')) as LineageGraph;
  });
  afterAll(async () => {
    await site?.close();
    await sim?.close();
    await rm(out, { recursive: true, force: true });
  });

  const report = (appId: string) => graph.apps.find((a) => a.appId === appId);

  it("reports where the failed reload stopped, read from its task's script log through QRS", () => {
    const sales = report('app-sales');
    expect(sales?.diagnostics.filter((d) => d.code === 'reload-failed' || d.code === 'lineage-empty')).toEqual([
      {
        code: 'reload-failed',
        severity: 'warning',
        message: "reload failed at line 5: Table 'Nope' not found",
        line: 5,
      },
      {
        code: 'lineage-empty',
        severity: 'info',
        message:
          "GetLineage is empty: the last reload failed at line 5: Table 'Nope' not found; sources are from the script only",
      },
    ]);
    // It never reloaded successfully: QRS says so too.
    expect(sales?.lastReloadTime).toBeUndefined();
  });

  it('says nothing of failures for the app that reloaded', () => {
    const good = report('app-good');
    expect(good?.lastReloadTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(good?.diagnostics.map((d) => d.code)).not.toContain('reload-failed');
    expect(good?.diagnostics.map((d) => d.code)).not.toContain('lineage-empty');
  });

  it('remembers the failure in the resume state, so that a later success or failure re-extracts the app', async () => {
    const state = JSON.parse(await readFile(join(out, 'lineage-state.json'), 'utf8')) as {
      apps: Record<string, { lastReloadFailure: string | null }>;
    };
    expect(state.apps['app-sales']?.lastReloadFailure).toBe(sim.reloads()[0]?.stopTime);
    expect(state.apps['app-good']?.lastReloadFailure).toBeNull();
  });
});
