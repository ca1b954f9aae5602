import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow } from './support/run-qixflow.js';
import { SALES_DASHBOARD, startTestSimulator, type TestSimulator } from './support/test-simulator.js';

let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
});

describe('qixflow apps', () => {
  it('lists the apps as a table: name, id, stream, owner, last reload', async () => {
    const { code, stdout, stderr } = await runQixflow(['apps', ...t.flags()]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +ID +STREAM +OWNER +LAST RELOAD$/);
    expect(lines).toHaveLength(1 + t.sim.apps.length);
    expect(stdout).toMatch(
      new RegExp(
        `^Sales Dashboard +${SALES_DASHBOARD} +Everyone +CORP\\\\erik\\.nilsson +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
        'm',
      ),
    );
    // Unpublished: no stream.
    expect(stdout).toMatch(/^Sales Extract +6f1c2a8e-3b4d-4e7a-9c15-2d8f0b7e4a31 +- +CORP\\anna\.berg /m);
    expect(stderr).toBe(`${t.sim.apps.length} apps\n`);
  });

  it('prints JSON with --json, ordered by name', async () => {
    const { code, stdout } = await runQixflow(['apps', '--json'], { env: t.env() });
    expect(code).toBe(0);
    const apps = JSON.parse(stdout) as { id: string; name: string; stream: string | null; owner: string | null }[];
    expect(apps.map((a) => a.name)).toEqual([...t.sim.apps.map((a) => a.name)].sort((a, b) => a.localeCompare(b)));
    expect(apps.find((a) => a.id === SALES_DASHBOARD)).toEqual({
      id: SALES_DASHBOARD,
      name: 'Sales Dashboard',
      stream: 'Everyone',
      owner: 'CORP\\erik.nilsson',
      lastReloadTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      published: true,
    });
    expect(apps.find((a) => a.name === 'Sales Extract')?.stream).toBeNull();
  });

  it('passes a QRS filter', async () => {
    const { code, stdout } = await runQixflow(['apps', '--json', '--filter', "stream.name eq 'Finance'", ...t.flags()]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { name: string }[]).map((a) => a.name)).toEqual(['Finance']);
  });
});
