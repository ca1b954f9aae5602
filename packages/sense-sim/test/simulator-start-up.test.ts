import { lstat, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SIMULATOR_PORT,
  describeSimulator,
  SimulatorStartUpError,
  simulatorOptionsFromFlags,
  startSimulatorForCli,
} from '../src/index.js';

const SITE = { name: 'tiny', apps: [{ id: 'app-1', name: 'One', script: 'T: LOAD * INLINE [\nA\n1\n];' }] };

let dir: string;
let site: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-sim-start-up-'));
  site = join(dir, 'site.json');
  await writeFile(site, JSON.stringify(SITE));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<SimulatorStartUpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimulatorStartUpError);
  return error as SimulatorStartUpError;
}

describe('the options of a simulator command line', () => {
  it('lays the flags over the config file', () => {
    const fromFile = { port: 0, host: '0.0.0.0', tenant: { issuer: 'me' } };
    expect(simulatorOptionsFromFlags(fromFile, { site: 'demo', http: true, tenant: true })).toEqual({
      port: 0,
      host: '0.0.0.0',
      tenant: { issuer: 'me' },
      site: 'demo',
      https: false,
    });
    expect(simulatorOptionsFromFlags(fromFile, { port: 4500, host: '127.0.0.1' })).toMatchObject({
      port: 4500,
      host: '127.0.0.1',
    });
    expect(simulatorOptionsFromFlags({}, { tenant: true })).toEqual({ port: DEFAULT_SIMULATOR_PORT, tenant: {} });
  });
});

describe('startSimulatorForCli', () => {
  it('starts the simulator from a config file and flags and writes its key files', async () => {
    const config = join(dir, 'sim.json');
    await writeFile(config, JSON.stringify({ port: 0, site }));
    const out = join(dir, 'out');
    const { sim, files, options, reloadFailures } = await startSimulatorForCli({ config, http: true, out });
    try {
      expect(options).toMatchObject({ port: 0, https: false });
      expect(sim.https).toBe(false);
      expect(files).toEqual({
        key: join(out, 'jwt-private-key.pem'),
        certificate: join(out, 'jwt-certificate.pem'),
        ca: undefined,
      });
      expect((await stat(files.key)).mode & 0o777).toBe(0o600);
      expect(reloadFailures).toEqual([]);
      expect(describeSimulator(sim)).toEqual([
        '  virtual proxy /jwt: cookie X-Qlik-Session-jwt-HTTP, csrf strict, licence professional',
      ]);
    } finally {
      await sim.close();
    }
  });

  it('says why the config file is refused', async () => {
    const missing = await failure(startSimulatorForCli({ config: join(dir, 'nope.json') }));
    expect(missing.reason).toBe('config-unreadable');
    expect(missing.message).toBe(`cannot read the simulator config ${JSON.stringify(join(dir, 'nope.json'))}`);
    const list = join(dir, 'list.json');
    await writeFile(list, '[1]');
    const invalid = await failure(startSimulatorForCli({ config: list }));
    expect(invalid.reason).toBe('config-invalid');
    expect(invalid.message).toBe(`the simulator config ${JSON.stringify(list)} is not a JSON object`);
  });

  it('says when the port is taken or the site is bad', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const busy = await failure(startSimulatorForCli({ site: 'demo', port, http: true }));
      expect(busy.reason).toBe('port-in-use');
      expect(busy.message).toBe(`port ${port} is in use`);
    } finally {
      server.close();
    }
    const bad = await failure(startSimulatorForCli({ site: join(dir, 'no-site.json'), port: 0 }));
    expect(bad.reason).toBe('invalid-options');
  });

  it('closes the simulator again when a key file cannot be written', async () => {
    const out = join(dir, 'linked');
    await startSimulatorForCli({ site, port: 0, http: true, out }).then(({ sim }) => sim.close());
    const target = join(dir, 'elsewhere.txt');
    await writeFile(target, 'untouched');
    await rm(join(out, 'jwt-private-key.pem'));
    await symlink(target, join(out, 'jwt-private-key.pem'));
    const error = await failure(startSimulatorForCli({ site, port: 0, http: true, out }));
    expect(error.reason).toBe('unsafe-file');
    expect(error.message).toBe(`${join(out, 'jwt-private-key.pem')} is a symbolic link: not writing through it`);
    expect(await readFile(target, 'utf8')).toBe('untouched');
    expect((await lstat(join(out, 'jwt-private-key.pem'))).isSymbolicLink()).toBe(true);
  });

  it('closes a simulator that started after the stop was asked for, and throws the abort reason', async () => {
    const stop = new AbortController();
    const reason = new Error('stopped');
    const starting = startSimulatorForCli({ site, port: 0, http: true }, { signal: stop.signal });
    stop.abort(reason);
    await expect(starting).rejects.toBe(reason);
  });
});
