import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMatches } from '../../src/internal/qrs-apps.js';
import { cleanEnv, runQixflow } from '../support/run-qixflow.js';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
});

const app = (name: string) => ({ id: name, name, stream: null, owner: null, lastReloadTime: null, published: false });

describe('an unknown app name', () => {
  it('suggests close names: typos, a missing word, another case — closest first, at most three', () => {
    const apps = ['Sales Dashboard', 'Sales Extract', 'Customer Churn', 'Finance', 'Sales Dashboard (old)'].map(app);
    expect(closeMatches('Sales Dashbord', apps)).toEqual(['Sales Dashboard']);
    expect(closeMatches('sales dashboard (old', apps)).toEqual(['Sales Dashboard (old)', 'Sales Dashboard']);
    expect(closeMatches('churn', apps)).toEqual(['Customer Churn']);
    expect(closeMatches('sales', apps)).toEqual(['Sales Extract', 'Sales Dashboard', 'Sales Dashboard (old)']);
    expect(closeMatches('Inventory', apps)).toEqual([]);
  });

  it('is an error naming the closest apps of the site (exit 2)', async () => {
    const { code, stderr } = await runQixflow(['watch', 'Sales Dashbord', ...t.flags()]);
    expect(code).toBe(2);
    expect(stderr).toContain('no app with id or name "Sales Dashbord"');
    expect(stderr).toContain('did you mean "Sales Dashboard"?');
  });
});

describe('the workspace root', () => {
  it('runs qixflow through `pnpm qixflow …` (the root script)', async () => {
    const manifest = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    const script = manifest.scripts.qixflow;
    expect(script).toBeDefined();
    // What `pnpm qixflow --help` runs: the script, from the root, with the arguments appended.
    const { stdout } = await promisify(execFile)('sh', ['-c', `${script} --help`], { cwd: ROOT, env: cleanEnv() });
    expect(stdout).toContain('Usage: qixflow');
    expect(stdout).toContain('context');
  });
});
