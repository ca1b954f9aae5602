import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSite, type Site } from '@qixflow/core';
import { createSimulator, type Simulator, type SimulatorOptions } from '@qixflow/sense-sim';

/** A simulator for one test file, with its key and CA written to files as a user would have them. */
export interface TestSimulator {
  sim: Simulator;
  dir: string;
  keyFile: string;
  caFile: string;
  origin: string;
  /** Connection flags for the demo user. */
  flags(user?: { userId: string; userDirectory: string }): string[];
  /** The same as QIXFLOW_* variables. */
  env(user?: { userId: string; userDirectory: string }): Record<string, string>;
  /** An in-process site (core) for the same user, to act next to the CLI. */
  site(user?: { userId: string; userDirectory: string }): Site;
  close(): Promise<void>;
}

export const DEMO = { userId: 'demo', userDirectory: 'DEMO' };
export const SALES_DASHBOARD = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57';

/** Starts a simulator with the demo site on port 0 (unless `options` says otherwise). */
export async function startTestSimulator(
  options: Omit<SimulatorOptions, 'site'> & { site?: SimulatorOptions['site'] | undefined } = {},
): Promise<TestSimulator> {
  // `site: undefined` asks for the simulator's default (no demo site); leaving it out gives the demo.
  const { site, ...rest } = options;
  const chosen = 'site' in options ? site : 'demo';
  const sim = await createSimulator({ ...(chosen !== undefined ? { site: chosen } : {}), port: 0, ...rest });
  const dir = await mkdtemp(join(tmpdir(), 'qixflow-cli-test-'));
  const keyFile = join(dir, 'jwt-private-key.pem');
  const caFile = join(dir, 'ca.pem');
  await writeFile(keyFile, sim.keys.privateKey, { mode: 0o600 });
  await writeFile(caFile, sim.ca ?? '');
  const origin = sim.url.replace('://127.0.0.1', '://localhost');
  const sites: Site[] = [];
  return {
    sim,
    dir,
    keyFile,
    caFile,
    origin,
    flags: (user = DEMO) => [
      '--host',
      sim.url,
      '--prefix',
      'jwt',
      '--key-file',
      keyFile,
      '--ca-file',
      caFile,
      '--origin',
      origin,
      '--user-id',
      user.userId,
      '--user-directory',
      user.userDirectory,
    ],
    env: (user = DEMO) => ({
      QIXFLOW_HOST: sim.url,
      QIXFLOW_PREFIX: 'jwt',
      QIXFLOW_PRIVATE_KEY_FILE: keyFile,
      QIXFLOW_CA_FILE: caFile,
      QIXFLOW_ORIGIN: origin,
      QIXFLOW_USER_ID: user.userId,
      QIXFLOW_USER_DIRECTORY: user.userDirectory,
    }),
    site: (user = DEMO) => {
      const site = createSite({
        host: sim.url,
        prefix: 'jwt',
        auth: { kind: 'jwt', privateKey: sim.keys.privateKey, ...user },
        tls: sim.ca !== undefined ? { ca: sim.ca } : {},
        origin,
      });
      sites.push(site);
      return site;
    },
    close: async () => {
      await Promise.all(sites.map((s) => s.close()));
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a fresh RSA key that the simulator does not know. */
export async function writeForeignKey(dir: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = join(dir, 'other-key.pem');
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  return file;
}
