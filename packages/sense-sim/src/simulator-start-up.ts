import { readFile } from 'node:fs/promises';
import { createSimulator, type Simulator } from './create-simulator.js';
import { SiteFixtureError } from './internal/site/site.js';
import type { SimulatorOptions } from './options.js';
import {
  describeReloadFailures,
  type SimulatorFiles,
  UnsafeFileError,
  writeSimulatorFiles,
} from './simulator-files.js';

/**
 * The flags both simulator command lines take (`qixflow sim`, `qixflow-sim`); each one is optional
 * and overrides the config file.
 */
export interface SimulatorStartUpFlags {
  /** A simulator config file (JSON, `schemas/sim-config.schema.json`). */
  config?: string | undefined;
  /** A site fixture file, or `'demo'`. */
  site?: string | undefined;
  /** Undefined unless --port was given: the config file's port (0 included) then counts, else 4431. */
  port?: number | undefined;
  host?: string | undefined;
  /** Plain HTTP instead of HTTPS. */
  http?: boolean | undefined;
  /** Also play a Qlik Cloud tenant (unless the config file defines one). */
  tenant?: boolean | undefined;
  /** Where to write the JWT key, its certificate and the CA; nothing is written when undefined. */
  out?: string | undefined;
}

/** The port the simulator's command lines listen on when neither --port nor the config file says. */
export const DEFAULT_SIMULATOR_PORT = 4431;

/** Why a command line's simulator did not start; each command line words it its own way. */
export type SimulatorStartUpFailure =
  /** The config file cannot be read. */
  | 'config-unreadable'
  /** The config file is not a JSON object. */
  | 'config-invalid'
  | 'port-in-use'
  /** EACCES or EADDRNOTAVAIL: the address or port is not one this process may listen on. */
  | 'cannot-listen'
  /** A bad option or site fixture (`TypeError`, `SiteFixtureError`). */
  | 'invalid-options'
  /** A key file target is a symbolic link or not a regular file ({@link UnsafeFileError}). */
  | 'unsafe-file'
  /** Any other failure to write the key files. */
  | 'files'
  /** Anything else the simulator failed on. */
  | 'failed';

/** A command line's simulator did not start: {@link reason} says why, `cause` holds the original error. */
export class SimulatorStartUpError extends Error {
  readonly code = 'ERR_SIMULATOR_START_UP';
  constructor(
    readonly reason: SimulatorStartUpFailure,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'SimulatorStartUpError';
  }
}

/** A simulator a command line started, with what it prints next. */
export interface CliSimulator {
  sim: Simulator;
  /** The options it was started with (flags over the config file). */
  options: SimulatorOptions;
  /** The key files written to `out`; undefined when no `out` was given. */
  files: SimulatorFiles | undefined;
  /** One line per app whose start-up reload failed, for stderr ({@link describeReloadFailures}). */
  reloadFailures: string[];
}

/**
 * The start-up both simulator command lines share: reads the config file, lays the flags over it,
 * starts the simulator and writes its key files. A simulator that started but whose files could
 * not be written is closed again; so is one that started after `signal` aborted (the abort reason
 * is thrown then, as `fetch` does).
 *
 * @throws SimulatorStartUpError with the {@link SimulatorStartUpFailure} reason.
 *
 * @example
 * ```ts
 * const { sim, files, reloadFailures } = await startSimulatorForCli({ site: 'demo', out: '.qixflow-sim' });
 * for (const line of describeSimulator(sim)) console.log(line);
 * for (const line of reloadFailures) console.error(line);
 * ```
 */
export async function startSimulatorForCli(
  flags: SimulatorStartUpFlags & { out: string },
  how?: { signal?: AbortSignal | undefined },
): Promise<CliSimulator & { files: SimulatorFiles }>;
export async function startSimulatorForCli(
  flags: SimulatorStartUpFlags,
  how?: { signal?: AbortSignal | undefined },
): Promise<CliSimulator>;
export async function startSimulatorForCli(
  flags: SimulatorStartUpFlags,
  how: { signal?: AbortSignal | undefined } = {},
): Promise<CliSimulator> {
  const fromFile = flags.config === undefined ? {} : await readSimulatorConfig(flags.config);
  const options = simulatorOptionsFromFlags(fromFile, flags);
  let sim: Simulator;
  try {
    sim = await createSimulator(options);
  } catch (error) {
    throw startFailure(error, options);
  }
  if (how.signal?.aborted === true) {
    await sim.close();
    throw how.signal.reason;
  }
  let files: SimulatorFiles | undefined;
  if (flags.out !== undefined) {
    try {
      files = await writeSimulatorFiles(sim, flags.out);
    } catch (error) {
      await sim.close();
      const reason = error instanceof UnsafeFileError ? 'unsafe-file' : 'files';
      throw new SimulatorStartUpError(reason, (error as Error).message, error);
    }
  }
  return { sim, options, files, reloadFailures: describeReloadFailures(sim.reloads()) };
}

/**
 * The simulator options of a command line: the config file's, with the flags laid over them.
 *
 * @example
 * ```ts
 * simulatorOptionsFromFlags({ port: 0 }, { site: 'demo', http: true }); // { port: 0, site: 'demo', https: false }
 * ```
 */
export function simulatorOptionsFromFlags(
  fromFile: SimulatorOptions,
  flags: Omit<SimulatorStartUpFlags, 'config' | 'out'>,
): SimulatorOptions {
  return {
    ...fromFile,
    ...(flags.site === undefined ? {} : { site: flags.site }),
    // A port in the config file (0 included) counts unless --port was given.
    port: flags.port ?? fromFile.port ?? DEFAULT_SIMULATOR_PORT,
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.http === true ? { https: false } : {}),
    ...(flags.tenant === true && fromFile.tenant === undefined ? { tenant: {} } : {}),
  };
}

/**
 * The lines of a start-up banner that say what listens: each virtual proxy (cookie, CSRF mode,
 * licence) and the Qlik Cloud tenant if there is one.
 *
 * @example
 * ```ts
 * describeSimulator(sim); // ['  virtual proxy /jwt: cookie X-Qlik-Session-jwt, csrf strict, licence professional']
 * ```
 */
export function describeSimulator(sim: Pick<Simulator, 'proxies' | 'tenant'>): string[] {
  const lines = sim.proxies.map(
    (p) =>
      `  virtual proxy ${p.prefix === '' ? '(central)' : `/${p.prefix}`}: cookie ${p.cookieName}, csrf ${p.csrf}, licence ${p.licence}`,
  );
  if (sim.tenant !== undefined) {
    lines.push(`  Qlik Cloud tenant at ${sim.tenant.url} (issuer ${sim.tenant.issuer}, kid ${sim.tenant.keyId})`);
  }
  return lines;
}

/** Reads a simulator config file; the simulator validates its content. */
async function readSimulatorConfig(path: string): Promise<SimulatorOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SimulatorStartUpError(
      'config-unreadable',
      `cannot read the simulator config ${JSON.stringify(path)}`,
      error,
    );
  }
  const invalid = (cause: unknown): SimulatorStartUpError =>
    new SimulatorStartUpError(
      'config-invalid',
      `the simulator config ${JSON.stringify(path)} is not a JSON object`,
      cause,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(new Error('not an object'));
  return parsed as SimulatorOptions;
}

function startFailure(error: unknown, options: SimulatorOptions): SimulatorStartUpError {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (code === 'EADDRINUSE') {
    return new SimulatorStartUpError('port-in-use', `port ${String(options.port)} is in use`, error);
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const where = `${options.host ?? '127.0.0.1'}:${String(options.port)}`;
    return new SimulatorStartUpError('cannot-listen', `cannot listen on ${where} (${String(code)})`, error);
  }
  if (error instanceof TypeError || error instanceof SiteFixtureError) {
    return new SimulatorStartUpError('invalid-options', message, error);
  }
  return new SimulatorStartUpError('failed', `the simulator did not start: ${message}`, error);
}
