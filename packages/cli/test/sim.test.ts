import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQixflow, startQixflow } from './support/run-qixflow.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qixflow sim', () => {
  it('starts the demo site, writes key and CA, prints how to connect, and stops on SIGINT', {
    timeout: 60_000,
  }, async () => {
    const out = join(dir, 'sim');
    const sim = startQixflow(['sim', '--port', '0', '--out', out]);
    await sim.waitForLine(/^Press Ctrl-C to stop\.$/, { timeoutMs: 30_000 });
    const stdout = sim.stdout();
    expect(stdout).toMatch(/^qixflow simulator listening on https:\/\/127\.0\.0\.1:\d+ \(site: demo\)$/m);
    expect(stdout).toContain('virtual proxy /jwt: cookie X-Qlik-Session-jwt, csrf strict, licence professional');
    expect(stdout).toMatch(
      /^check: JWT handshake OK \(cookie X-Qlik-Session-jwt, CSRF token received\), engine 12\.2027\.0, proxy sessions used: 1$/m,
    );
    expect((await stat(join(out, 'jwt-private-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(out, 'ca.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');

    // The printed variables are all a client needs.
    const exportLine = /^ {2}export (.+)$/m.exec(stdout)?.[1] ?? '';
    const env = Object.fromEntries(exportLine.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
    expect(Object.keys(env)).toContain('QIXFLOW_PRIVATE_KEY_FILE');
    const login = await runQixflow(['login'], { env });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/user: +DEMO\\demo/);

    sim.process.kill('SIGINT');
    const result = await sim.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('stopping the simulator');
  });

  it('prints each app whose start-up reload failed, with its line and message, on stderr', {
    timeout: 60_000,
  }, async () => {
    const site = join(dir, 'failing-site.json');
    await writeFile(
      site,
      JSON.stringify({
        name: 'failing',
        apps: [
          { id: 'app-ok', name: 'Fine', script: 'T: LOAD * INLINE [\nA\n1\n];' },
          { id: 'app-sales', name: 'Sales', script: 'SET x = 1;\n\nLOAD A RESIDENT Missing;\n' },
        ],
      }),
    );
    const sim = startQixflow(['sim', '--port', '0', '--site', site, '--out', join(dir, 'failing'), '--no-check']);
    await sim.waitForLine(/^Press Ctrl-C to stop\.$/, { timeoutMs: 30_000 });
    // The connection instructions are unchanged: the report is on stderr only.
    expect(sim.stdout()).toMatch(/^ {2}2 apps: Fine, Sales$/m);
    expect(sim.stdout()).not.toContain('Missing');
    sim.process.kill('SIGINT');
    const result = await sim.done;
    expect(result.code).toBe(0);
    const reported = result.stderr.split('\n').filter((line) => line.startsWith('reload of '));
    expect(reported).toEqual([`reload of "Sales" (app-sales) failed at line 3: Table 'Missing' not found`]);
    expect(result.stderr).not.toContain(dir);
  });

  it('exits 2 when the port is taken', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { code, stderr } = await runQixflow(['sim', '--port', String(port), '--out', join(dir, 'busy')]);
      expect(code).toBe(2);
      expect(stderr).toContain(`error ERR_PORT_IN_USE: port ${port} is in use`);
      expect(stderr).toContain('fix: pass --port <n>, or --port 0 for any free port');
    } finally {
      server.close();
    }
  });

  it('exits 2 for a site fixture that does not exist', async () => {
    const { code, stderr } = await runQixflow([
      'sim',
      '--port',
      '0',
      '--site',
      join(dir, 'nope.json'),
      '--out',
      join(dir, 'x'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error ERR_CONFIG: /m);
  });
});
