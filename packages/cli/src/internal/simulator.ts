import { readFile } from 'node:fs/promises';
import type { SiteOptions } from '@qixflow/core';
import type { Simulator, SimulatorOptions } from '@qixflow/sense-sim';
import { CliError } from '../cli-error.js';

type SenseSim = typeof import('@qixflow/sense-sim');

/**
 * The simulator is an optional peer of the CLI (it brings a TLS stack and a whole engine that only
 * `sim` and `demo` need), so it is loaded on first use and its absence is a fixable error.
 */
export async function loadSimulator(): Promise<SenseSim> {
  try {
    return await import('@qixflow/sense-sim');
  } catch (error) {
    const missing =
      (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' &&
      String((error as Error).message).includes("'@qixflow/sense-sim'");
    if (!missing) throw error;
    throw new CliError('ERR_SIMULATOR', 'install @qixflow/sense-sim to run the simulator', {
      fix: 'npm install @qixflow/sense-sim (next to @qixflow/cli, the same version)',
      cause: error,
    });
  }
}

/** The user the CLI signs JWTs for when it talks to its own simulator. */
export interface SimulatorUser {
  userId: string;
  userDirectory: string;
}

/** The demo user: `DEMO\demo`. */
export const DEMO_USER: SimulatorUser = { userId: 'demo', userDirectory: 'DEMO' };

/**
 * Starts the simulator, turning its failures into CLI errors: a bad option or site fixture is bad
 * usage (exit 2), a busy port says which flag to use.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ site: 'demo', port: 0 });
 * ```
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { createSimulator, SiteFixtureError } = await loadSimulator();
  try {
    return await createSimulator(options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new CliError('ERR_PORT_IN_USE', `port ${String(options.port)} is in use`, {
        fix: 'pass --port <n>, or --port 0 for any free port',
        cause: error,
      });
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(
        'ERR_USAGE',
        `cannot listen on ${options.host ?? '127.0.0.1'}:${String(options.port)} (${String(code)})`,
        {
          fix: 'pick another --host / --port',
          cause: error,
        },
      );
    }
    if (error instanceof TypeError || error instanceof SiteFixtureError) {
      throw new CliError('ERR_CONFIG', error.message, {
        fix: "check --site (a site fixture, schemas/sim-site.schema.json, or 'demo') and --config (schemas/sim-config.schema.json)",
        cause: error,
      });
    }
    throw new CliError('ERR_SIMULATOR', `the simulator did not start: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads a simulator config file (`schemas/sim-config.schema.json`; validated by the simulator).
 *
 * @throws CliError `ERR_CONFIG` (exit 2) when the file cannot be read or is not JSON.
 *
 * @example
 * ```ts
 * const options = await readSimulatorConfig('sim.json');
 * ```
 */
export async function readSimulatorConfig(path: string): Promise<SimulatorOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError('ERR_CONFIG', `cannot read the simulator config ${JSON.stringify(path)}`, {
      fix: 'give the path of a JSON file (schemas/sim-config.schema.json)',
      cause: error,
    });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as SimulatorOptions;
  } catch {
    throw new CliError('ERR_CONFIG', `the simulator config ${JSON.stringify(path)} is not a JSON object`, {
      fix: 'see schemas/sim-config.schema.json',
    });
  }
}

/**
 * `createSite()` options for the simulator's first JWT virtual proxy: its generated key, its CA
 * and an allowed origin — the real handshake, as any client would do it.
 *
 * @example
 * ```ts
 * const site = createSite(simulatorSiteOptions(sim, DEMO_USER));
 * ```
 */
export function simulatorSiteOptions(sim: Simulator, user: SimulatorUser = DEMO_USER): SiteOptions {
  const proxy = sim.proxies[0];
  if (proxy === undefined) throw new CliError('ERR_SIMULATOR', 'the simulator has no JWT virtual proxy');
  return {
    host: sim.url,
    prefix: proxy.prefix,
    auth: {
      kind: 'jwt',
      privateKey: sim.keys.privateKey,
      userId: user.userId,
      userDirectory: user.userDirectory,
      claimNames: { userId: proxy.userIdAttribute, userDirectory: proxy.userDirectoryAttribute },
    },
    ...(sim.ca === undefined ? {} : { tls: { ca: sim.ca } }),
    origin: simulatorOrigin(sim),
  };
}

/**
 * An origin the simulator's host allow list accepts (`localhost`, as a browser on the machine).
 *
 * @example
 * ```ts
 * simulatorOrigin(sim); // 'https://localhost:4431'
 * ```
 */
function simulatorOrigin(sim: Simulator): string {
  return sim.url.replace('://127.0.0.1', '://localhost');
}
