import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow } from './support/run-qixflow.js';
import { startTestSimulator, type TestSimulator, writeForeignKey } from './support/test-simulator.js';

let t: TestSimulator;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-lineage-'));
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('qixflow lineage', () => {
  it('extracts every app over one proxy session and prints the summary', { timeout: 90_000 }, async () => {
    const out = join(dir, 'all');
    const before = t.sim.audit.sessionsCreated();
    const { code, stdout, stderr } = await runQixflow(['lineage', '--all', '--out', out, ...t.flags()], {
      timeoutMs: 80_000,
    });
    expect(stderr).not.toMatch(/^error /m);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}apps: +5 \(5 extracted\)$/m);
    expect(stdout).toMatch(/^ {2}cross-app QVD links: +[1-9]\d*$/m);
    expect(stdout).toMatch(/^ {2}proxy sessions used: 1$/m);
    expect(t.sim.audit.sessionsCreated() - before).toBe(1);
    // Not a terminal: one plain progress line per step, no bar.
    expect(stderr).toMatch(/^\[\d\/5\] /m);
    expect(stderr).not.toContain('\u001b[');
    const files = await readdir(out);
    expect(files.some((f) => f.endsWith('.html'))).toBe(true);
    expect(files.some((f) => f.endsWith('.ndjson'))).toBe(true);
  });

  it('extracts the apps named with --app, in the formats asked', { timeout: 60_000 }, async () => {
    const out = join(dir, 'two');
    const { code, stdout } = await runQixflow(
      ['lineage', '--app', 'Sales Dashboard', '--app', 'Finance', '--format', 'json', '--out', out, ...t.flags()],
      { timeoutMs: 50_000 },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}apps: +2 \(2 extracted\)$/m);
    const files = await readdir(out);
    expect(files.some((f) => f.endsWith('.html'))).toBe(false);
    expect(files.some((f) => f.endsWith('.ndjson') && !f.includes('fragment'))).toBe(false);
  });

  it('exits 6 when some apps fail, with the failures in the summary', { timeout: 60_000 }, async () => {
    t.sim.control.failNext('GetScript', { count: 1, code: 2, message: 'Object not found' });
    const out = join(dir, 'partial');
    const { code, stdout } = await runQixflow(
      ['lineage', '--all', '--no-resume', '--concurrency', '1', '--out', out, ...t.flags()],
      {
        timeoutMs: 50_000,
      },
    );
    expect(code).toBe(6);
    expect(stdout).toMatch(/^ {2}apps: +5 \(4 extracted, 1 failed\)$/m);
    expect(stdout).toMatch(/^ {2}failed: /m);
  });

  it('posts the OpenLineage events to --openlineage-url; a refusing endpoint makes it partial (6)', {
    timeout: 60_000,
  }, async () => {
    const received: unknown[] = [];
    let status = 201;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/api/v1/lineage' && status < 300) received.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const args = [
        'lineage',
        '--app',
        'Finance',
        '--format',
        'json',
        '--no-resume',
        '--openlineage-url',
        url,
        ...t.flags(),
      ];
      const ok = await runQixflow([...args, '--out', join(dir, 'ol')], { timeoutMs: 50_000 });
      expect(ok.code).toBe(0);
      expect(received.length).toBeGreaterThan(0);
      expect(ok.stdout).toContain(`OpenLineage events:  ${received.length} of ${received.length} posted`);
      expect(received[0]).toMatchObject({ eventType: expect.any(String), job: expect.any(Object) });

      status = 500;
      const refused = await runQixflow([...args, '--out', join(dir, 'ol-refused')], { timeoutMs: 50_000 });
      expect(refused.code).toBe(6);
      expect(refused.stdout).toMatch(/OpenLineage events: +0 of \d+ posted, \d+ refused/);
      expect(refused.stdout).toMatch(/OpenLineage event 1 refused \(500\)/);
    } finally {
      server.close();
    }
  });

  it('posts to OPENLINEAGE_URL with OPENLINEAGE_API_KEY and OPENLINEAGE_NAMESPACE; --openlineage-source-code none', {
    timeout: 60_000,
  }, async () => {
    const received: { authorization?: string | undefined; body: Record<string, unknown> }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/ol/api/v1/lineage')
          received.push({
            authorization: req.headers.authorization,
            body: JSON.parse(body) as Record<string, unknown>,
          });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = {
        OPENLINEAGE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ol`,
        OPENLINEAGE_API_KEY: 'cli-k3y',
        OPENLINEAGE_NAMESPACE: 'qlik-test',
      };
      const args = [
        'lineage',
        '--app',
        'Finance',
        '--format',
        'json',
        '--no-resume',
        '--openlineage-source-code',
        'none',
      ];
      // Another user: the demo user's parallel sessions (5) are taken by the runs above.
      const user = { userId: 'openlineage', userDirectory: 'DEMO' };
      const run = await runQixflow([...args, '--out', join(dir, 'ol-env'), ...t.flags(user)], {
        env,
        timeoutMs: 50_000,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain('cli-k3y');
      type Job = { namespace: string; name: string; facets: Record<string, unknown> };
      const events = received.map((r) => r.body as { eventType: string; job: Job });
      expect(events.map((e) => e.eventType).sort()).toEqual(['COMPLETE', 'START']);
      expect(received.every((r) => r.authorization === 'Bearer cli-k3y')).toBe(true);
      expect(events.every((e) => e.job.namespace === 'qlik-test' && e.job.name === 'Finance.Finance')).toBe(true);
      expect(events.every((e) => e.job.facets.sourceCode === undefined)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('exits 2 with ERR_LINEAGE_OUTPUT and its fix when --out cannot be written', { timeout: 60_000 }, async () => {
    const file = join(dir, 'not-a-folder');
    await writeFile(file, '');
    const { code, stderr } = await runQixflow(['lineage', '--all', '--out', file, ...t.flags()], { timeoutMs: 50_000 });
    expect(code).toBe(2);
    expect(stderr).toContain(
      `error ERR_LINEAGE_OUTPUT: cannot create the folder ${join(file, 'fragments')}: ENOTDIR: not a directory`,
    );
    expect(stderr).toContain('  fix: --out must name a folder this user can write');
  });

  it('exits 4 when the handshake is refused', async () => {
    const other = await writeForeignKey(dir);
    const args = ['lineage', '--all', '--out', join(dir, 'refused'), ...t.flags(), '--key-file', other];
    const { code, stderr } = await runQixflow(args);
    expect(code).toBe(4);
    expect(stderr).toMatch(/^error ERR_HANDSHAKE_REJECTED: /m);
  });
});
