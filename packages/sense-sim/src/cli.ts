#!/usr/bin/env node
/**
 * `qixflow-sim`: starts the Qlik Sense simulator and prints how to connect.
 * `qixflow-sim --demo` serves the demo site, writes the JWT key and the CA to `--out`, and
 * proves the setup with a real handshake + websocket before waiting for clients.
 */
import { relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Simulator } from './create-simulator.js';
import { selfCheck } from './internal/cli/self-check.js';
import { describeApps, type SimulatorFiles } from './simulator-files.js';
import {
  type CliSimulator,
  describeSimulator,
  SimulatorStartUpError,
  startSimulatorForCli,
} from './simulator-start-up.js';

interface CliOptions {
  config?: string;
  site?: string;
  demo?: boolean;
  host?: string;
  port: number;
  http?: boolean;
  tenant?: boolean;
  out: string;
  check: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be an integer 0-65535');
  return n;
}

const program = new Command()
  .name('qixflow-sim')
  .description('Qlik Sense simulator: JWT virtual proxy, Qlik Cloud login, QRS subset and QIX engine on real sockets')
  .option('-c, --config <file>', 'simulator config (JSON, schemas/sim-config.schema.json)')
  .option('-s, --site <path>', "site fixture file, or 'demo'")
  .option('--demo', 'serve the demo site (same as --site demo)')
  .option('--host <address>', 'address to listen on (default 127.0.0.1)')
  .option('-p, --port <port>', 'port to listen on (0 = any free port)', port, 4431)
  .option('--http', 'plain HTTP instead of HTTPS')
  .option('--tenant', 'also play a Qlik Cloud tenant (/login/jwt-session) at the root')
  .option('-o, --out <dir>', 'where to write the JWT private key, its certificate and the CA', '.qixflow-sim')
  .option('--no-check', 'skip the start-up self-check (handshake + websocket)')
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<CliOptions>();
  let started: CliSimulator & { files: SimulatorFiles };
  try {
    started = await startSimulatorForCli(
      {
        config: opts.config || undefined,
        site: opts.site || (opts.demo ? 'demo' : undefined),
        // Undefined unless given, so that the config file's port counts.
        port: program.getOptionValueSource('port') === 'default' ? undefined : opts.port,
        host: opts.host || undefined,
        http: opts.http,
        tenant: opts.tenant,
        out: opts.out,
      },
      { signal: stop.signal },
    );
  } catch (error) {
    // Stopped while starting: the simulator is closed already (and its work folder gone).
    if (stop.signal.aborted && error === stop.signal.reason) process.exit(0);
    fail(startUpMessage(error, opts));
  }
  sim = started.sim;
  if (stop.signal.aborted) {
    await sim.close();
    process.exit(0);
  }
  console.log(instructions(sim, started.files).join('\n'));
  // Stderr: a failed start-up reload leaves its app without data, which a client would only notice later.
  for (const line of started.reloadFailures) console.error(line);

  if (opts.check && sim.proxies.length > 0) {
    try {
      const result = await selfCheck(sim);
      console.log(
        `\nself-check: JWT handshake OK (cookie ${result.cookieName}, CSRF token ${result.csrfToken ? 'received' : 'not used'}), ` +
          `websocket ${result.sessionState}, engine ${result.engineVersion}`,
      );
    } catch (error) {
      console.error(`\nself-check failed: ${(error as Error).message}`);
      await sim.close();
      process.exit(1);
    }
  }
  console.log('\nPress Ctrl-C to stop.');
}

/** What `qixflow-sim` prints on stdout once it listens: where, and how a client connects. */
function instructions(sim: Simulator, files: SimulatorFiles): string[] {
  const show = (p: string) => relative(process.cwd(), p) || p;
  const proxy = sim.proxies[0];
  return [
    `qixflow simulator listening on ${sim.url}`,
    '',
    ...describeSimulator(sim),
    `  ${describeApps(sim.apps)}`,
    '',
    'Connect:',
    `  sign a JWT (RS256) with ${show(files.key)}, claims {"${proxy?.userIdAttribute}": "<user>", "${proxy?.userDirectoryAttribute}": "<directory>"}`,
    `  (the proxy's JWT certificate is ${show(files.certificate)})${files.ca ? `; trust ${show(files.ca)} as the CA` : ''}`,
    `  1. GET ${proxy?.url}/qps/csrftoken with "Authorization: Bearer <jwt>" -> session cookie + qlik-csrf-token header`,
    `  2. ${proxy?.wsUrl}<appId>?qlik-csrf-token=<token> with "Cookie: <name>=<value>" and "Origin: ${sim.url.replace('127.0.0.1', 'localhost')}"`,
    `  QRS: ${proxy?.url}/qrs/app/full?xrfkey=<16 chars> with the same "X-Qlik-Xrfkey" header and the cookie`,
    ...(sim.engineUrl
      ? [`  Engine without authentication (plain enigma.js, like Qlik Core): ${sim.engineUrl}/app/<appId>`]
      : []),
    `  Faults: POST ${sim.url}/__sim/control/<action> with header "x-sim-control-token: ${sim.controlToken}"`,
  ];
}

/** The one line `qixflow-sim` prints when the simulator did not start. */
function startUpMessage(error: unknown, opts: CliOptions): string {
  if (!(error instanceof SimulatorStartUpError)) return (error as Error).message;
  const detail = error.cause instanceof Error ? error.cause.message : error.message;
  switch (error.reason) {
    case 'config-unreadable':
    case 'config-invalid':
      return `cannot read config ${opts.config}: ${detail}`;
    case 'port-in-use':
      return `${error.message}: pass --port <n> (or --port 0 for any free port)`;
    case 'unsafe-file':
    case 'files':
      return `${detail} (pick another --out folder)`;
    default:
      return detail;
  }
}

/**
 * How long the simulator may take to close after SIGINT/SIGTERM before the process exits anyway: a
 * supervisor or a developer's Ctrl-C must never have to fall back to SIGKILL.
 */
const STOP_DEADLINE_MS = 1000;

// Armed before anything starts, so that a signal during the start-up reloads or the self-check also
// ends the process; `sim` is set once the simulator listens.
let sim: Simulator | undefined;
const stop = new AbortController();
function onSignal(signal: NodeJS.Signals): void {
  // 128 + the signal number, as shells report a process a signal ended.
  const forcedCode = signal === 'SIGINT' ? 130 : 143;
  if (stop.signal.aborted) process.exit(forcedCode);
  stop.abort();
  setTimeout(() => {
    console.error(`qixflow-sim: did not stop within ${STOP_DEADLINE_MS} ms of ${signal}: exiting`);
    process.exit(forcedCode);
  }, STOP_DEADLINE_MS).unref();
  // Still starting: the start-up closes it as soon as it listens (so its work folder goes too), or
  // the deadline ends the process first.
  if (sim === undefined) return;
  sim.close().then(
    () => process.exit(0),
    () => process.exit(forcedCode),
  );
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

function fail(message: string): never {
  console.error(`qixflow-sim: ${message}`);
  process.exit(2);
}

void main();
