#!/usr/bin/env node
/**
 * `qixflow-sim`: starts the Qlik Sense simulator and prints how to connect.
 * `qixflow-sim --demo` serves the demo site, writes the JWT key and the CA to `--out`, and
 * proves the setup with a real handshake + websocket before waiting for clients.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createSimulator, type Simulator } from './create-simulator.js';
import { selfCheck } from './internal/cli/self-check.js';
import type { SimulatorOptions } from './options.js';
import { describeApps, describeReloadFailures, type SimulatorFiles, writeSimulatorFiles } from './simulator-files.js';

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
  let options: SimulatorOptions = {};
  if (opts.config) {
    try {
      options = JSON.parse(await readFile(opts.config, 'utf8')) as SimulatorOptions;
    } catch (error) {
      fail(`cannot read config ${opts.config}: ${(error as Error).message}`);
    }
  }
  options = {
    ...options,
    ...(opts.demo ? { site: 'demo' } : {}),
    ...(opts.site ? { site: opts.site } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.http ? { https: false } : {}),
    ...(opts.tenant && !options.tenant ? { tenant: {} } : {}),
    port: options.port ?? opts.port,
  };

  try {
    sim = await createSimulator(options);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') fail(`port ${options.port} is in use: pass --port <n> (or --port 0 for any free port)`);
    fail((error as Error).message);
  }
  if (stopping) {
    await sim.close();
    process.exit(0);
  }
  let files: SimulatorFiles;
  try {
    files = await writeSimulatorFiles(sim, opts.out);
  } catch (error) {
    await sim.close();
    fail(`${(error as Error).message} (pick another --out folder)`);
  }
  const show = (p: string) => relative(process.cwd(), p) || p;

  const lines = [`qixflow simulator listening on ${sim.url}`, ''];
  for (const p of sim.proxies) {
    lines.push(
      `  virtual proxy ${p.prefix === '' ? '(central)' : `/${p.prefix}`}: cookie ${p.cookieName}, csrf ${p.csrf}, licence ${p.licence}`,
    );
  }
  if (sim.tenant)
    lines.push(`  Qlik Cloud tenant at ${sim.tenant.url} (issuer ${sim.tenant.issuer}, kid ${sim.tenant.keyId})`);
  lines.push(
    `  ${describeApps(sim.apps)}`,
    '',
    'Connect:',
    `  sign a JWT (RS256) with ${show(files.key)}, claims {"${sim.proxies[0]?.userIdAttribute}": "<user>", "${sim.proxies[0]?.userDirectoryAttribute}": "<directory>"}`,
    `  (the proxy's JWT certificate is ${show(files.certificate)})${files.ca ? `; trust ${show(files.ca)} as the CA` : ''}`,
    `  1. GET ${sim.proxies[0]?.url}/qps/csrftoken with "Authorization: Bearer <jwt>" -> session cookie + qlik-csrf-token header`,
    `  2. ${sim.proxies[0]?.wsUrl}<appId>?qlik-csrf-token=<token> with "Cookie: <name>=<value>" and "Origin: ${sim.url.replace('127.0.0.1', 'localhost')}"`,
    `  QRS: ${sim.proxies[0]?.url}/qrs/app/full?xrfkey=<16 chars> with the same "X-Qlik-Xrfkey" header and the cookie`,
    ...(sim.engineUrl
      ? [`  Engine without authentication (plain enigma.js, like Qlik Core): ${sim.engineUrl}/app/<appId>`]
      : []),
    `  Faults: POST ${sim.url}/__sim/control/<action> with header "x-sim-control-token: ${sim.controlToken}"`,
  );
  console.log(lines.join('\n'));
  // Stderr: a failed start-up reload leaves its app without data, which a client would only notice later.
  for (const line of describeReloadFailures(sim.reloads())) console.error(line);

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

/**
 * How long the simulator may take to close after SIGINT/SIGTERM before the process exits anyway: a
 * supervisor or a developer's Ctrl-C must never have to fall back to SIGKILL.
 */
const STOP_DEADLINE_MS = 1000;

// Armed before anything starts, so that a signal during the start-up reloads or the self-check also
// ends the process; `sim` is set once the simulator listens.
let sim: Simulator | undefined;
let stopping = false;
function onSignal(signal: NodeJS.Signals): void {
  // 128 + the signal number, as shells report a process a signal ended.
  const forcedCode = signal === 'SIGINT' ? 130 : 143;
  if (stopping) process.exit(forcedCode);
  stopping = true;
  setTimeout(() => {
    console.error(`qixflow-sim: did not stop within ${STOP_DEADLINE_MS} ms of ${signal}: exiting`);
    process.exit(forcedCode);
  }, STOP_DEADLINE_MS).unref();
  // Still starting: main() closes it as soon as it listens (so its work folder goes too), or the
  // deadline ends the process first.
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
