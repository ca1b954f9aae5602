import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeApps, describeSimulator, type Simulator } from '@qixflow/sense-sim';
import { describe, expect, it } from 'vitest';
import { connectInstructions, selfCommand } from '../../src/commands/sim.js';
import { startQixflow } from '../support/run-qixflow.js';

const files = { key: '/k/jwt-private-key.pem', certificate: '/k/jwt-certificate.pem', ca: '/k/ca.pem' };

/** A started simulator as far as the instructions read it. */
function fakeSim(apps: number): Simulator {
  return {
    url: 'https://127.0.0.1:4431',
    engineUrl: undefined,
    controlToken: 'token',
    tenant: undefined,
    proxies: [
      {
        prefix: 'jwt',
        url: 'https://127.0.0.1:4431/jwt',
        wsUrl: 'wss://127.0.0.1:4431/jwt/app/',
        cookieName: 'X-Qlik-Session-jwt',
        csrf: 'strict',
        licence: 'professional',
        hostAllowList: ['localhost'],
      },
    ],
    apps: Array.from({ length: apps }, (_, i) => ({ id: `id-${i}`, name: `App ${i + 1}`, stream: undefined })),
  } as unknown as Simulator;
}

describe('what qixflow sim prints', () => {
  it('does not list 300 app names on one line', () => {
    const sim = fakeSim(300);
    const lines = connectInstructions(sim, files, 'big', {
      command: 'qixflow',
      apps: describeApps(sim.apps),
      listeners: describeSimulator(sim),
    });
    const apps = lines.find((l) => l.includes('apps:')) ?? '';
    expect(apps).toBe(
      "  300 apps: App 1, App 2, App 3, App 4, App 5, App 6, App 7, App 8, … and 292 more ('qixflow apps' lists them all)",
    );
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400);
    expect(describeApps(fakeSim(2).apps)).toBe('2 apps: App 1, App 2');
    expect(describeApps([])).toBe('no apps');
  });

  it('tells the user a command that works from where they are', () => {
    expect(selfCommand({ npm_lifecycle_event: 'qixflow' })).toBe('pnpm qixflow');
    expect(selfCommand({})).toBe('qixflow');
    const sim = fakeSim(5);
    const lines = connectInstructions(sim, files, 'demo', {
      command: 'pnpm qixflow',
      apps: describeApps(sim.apps),
      listeners: describeSimulator(sim),
    });
    expect(lines).toContain('  pnpm qixflow login');
    expect(lines).toContain('  pnpm qixflow lineage --all --out lineage-output');
    expect(lines.filter((l) => /^ {2}qixflow /.test(l))).toEqual([]);
  });

  it('honours "port": 0 from --config (any free port)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qixflow-sim-config-'));
    const config = join(dir, 'sim.json');
    await writeFile(config, JSON.stringify({ port: 0 }));
    const sim = startQixflow(['sim', '--config', config, '--no-check', '--out', join(dir, 'out')]);
    const { line } = await sim.waitForLine(/listening on https:\/\/127\.0\.0\.1:\d+/, { timeoutMs: 30_000 });
    const port = Number(/:(\d+) /.exec(line)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(4431);
    sim.process.kill('SIGINT');
    expect((await sim.done).code).toBe(0);
  }, 60_000);
});
