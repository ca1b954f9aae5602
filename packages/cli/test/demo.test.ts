import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow } from './support/run-qixflow.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qixflow demo', () => {
  it('runs the simulator, the JWT handshake and the lineage of every app in one proxy session, well under a minute', {
    timeout: 90_000,
  }, async () => {
    const out = join(dir, 'out');
    const started = Date.now();
    const { code, stdout, stderr } = await runQixflow(['demo', '--out', out], { timeoutMs: 80_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(stderr).not.toMatch(/^error /m);
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(60);
    expect(stdout).toMatch(/^simulator: demo site on https:\/\/127\.0\.0\.1:\d+, JWT virtual proxy \/jwt/m);
    expect(stdout).toMatch(
      /^signed in as DEMO\\demo through the JWT handshake: cookie X-Qlik-Session-jwt, CSRF token received/m,
    );
    expect(stdout).toMatch(/^ {2}apps: +5 \(5 extracted\)$/m);
    expect(stdout).toMatch(/^ {2}tables: +[1-9]\d*$/m);
    expect(stdout).toMatch(/^ {2}fields: +[1-9]\d*$/m);
    expect(stdout).toMatch(/^ {2}cross-app QVD links: +[1-9]\d*$/m);
    expect(stdout).toMatch(/^ {2}proxy sessions used: 1$/m);
    expect(stdout).toMatch(/^simulator stopped; done in [\d.]+ s$/m);
    // It ends with the page to open.
    const last = stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toBe(`open the lineage graph in a browser: ${pathToFileURL(join(out, 'lineage.html')).href}`);
    const files = await readdir(out);
    for (const pattern of [/\.json$/, /\.ndjson$/, /\.html$/]) {
      const file = files.find((f) => pattern.test(f) && !f.includes('state'));
      expect(file, `a ${pattern} file in ${files.join(', ')}`).toBeDefined();
      expect((await stat(join(out, file ?? ''))).size).toBeGreaterThan(100);
    }
  });
});
