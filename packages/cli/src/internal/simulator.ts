import type { SiteOptions } from '@qixflow/core';
import type {
  CliSimulator,
  Simulator,
  SimulatorFiles,
  SimulatorStartUpError,
  SimulatorStartUpFlags,
} from '@qixflow/sense-sim';
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
 * Starts the simulator as both command lines do (config file, flags over it, key files into
 * `flags.out`), turning its failures into CLI errors: a bad option, config or site fixture is bad
 * usage (exit 2), a busy port says which flag to use.
 *
 * @example
 * ```ts
 * const { sim } = await startSimulator({ site: 'demo', port: 0 });
 * ```
 */
export async function startSimulator(flags: SimulatorStartUpFlags & { out: string }): Promise<CliSimulatorWithFiles>;
export async function startSimulator(flags: SimulatorStartUpFlags): Promise<CliSimulator>;
export async function startSimulator(flags: SimulatorStartUpFlags): Promise<CliSimulator> {
  const { startSimulatorForCli, SimulatorStartUpError } = await loadSimulator();
  try {
    return await startSimulatorForCli(flags);
  } catch (error) {
    if (!(error instanceof SimulatorStartUpError)) throw error;
    throw toCliError(error);
  }
}

type CliSimulatorWithFiles = CliSimulator & { files: SimulatorFiles };

function toCliError(error: SimulatorStartUpError): unknown {
  const { message, cause } = error;
  switch (error.reason) {
    case 'config-unreadable':
      return new CliError('ERR_CONFIG', message, {
        fix: 'give the path of a JSON file (schemas/sim-config.schema.json)',
        cause,
      });
    case 'config-invalid':
      return new CliError('ERR_CONFIG', message, { fix: 'see schemas/sim-config.schema.json' });
    case 'port-in-use':
      return new CliError('ERR_PORT_IN_USE', message, { fix: 'pass --port <n>, or --port 0 for any free port', cause });
    case 'cannot-listen':
      return new CliError('ERR_USAGE', message, { fix: 'pick another --host / --port', cause });
    case 'invalid-options':
      return new CliError('ERR_CONFIG', message, {
        fix: "check --site (a site fixture, schemas/sim-site.schema.json, or 'demo') and --config (schemas/sim-config.schema.json)",
        cause,
      });
    case 'unsafe-file':
      return new CliError('ERR_CONFIG', message, {
        fix: 'remove the link or the foreign file, or pick another --out folder',
        cause,
      });
    case 'files':
      // Not the user's doing: reported as it came.
      return cause;
    default:
      return new CliError('ERR_SIMULATOR', message, { cause });
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
