import { createSite } from '@qixflow/core';
import type { Simulator, SimulatorFiles } from '@qixflow/sense-sim';
import type { CliContext } from '../cli-context.js';
import { describeError } from '../describe-error.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { checkConnection } from '../internal/check-connection.js';
import { untilAborted } from '../internal/interrupt.js';
import { loadSimulator, simulatorSiteOptions, startSimulator } from '../internal/simulator.js';

/** Flags of `qixflow sim`. */
export interface SimFlags {
  site: string;
  /** Undefined unless --port was given: the config file's port (0 included) then counts. */
  port?: number;
  host?: string;
  http?: boolean;
  tenant?: boolean;
  out: string;
  config?: string;
  check: boolean;
}

// The start-up check signs in as its own user, so that it takes none of the demo user's 5 slots.
const CHECK_USER = { userId: 'qixflow-sim-check', userDirectory: 'DEMO' };

/**
 * How long the simulator may take to close after Ctrl-C/SIGTERM before the process exits anyway
 * (with 130): a supervisor or a developer must never have to fall back to SIGKILL.
 */
export const SIM_STOP_DEADLINE_MS = 1000;

/**
 * `qixflow sim`: starts the simulator, writes its JWT key and CA, prints how to connect, checks the
 * setup with a real handshake and engine websocket, then runs until Ctrl-C.
 *
 * @example
 * ```ts
 * await simCommand({ site: 'demo', port: 4431, out: '.qixflow-sim', check: true }, context);
 * ```
 */
export async function simCommand(flags: SimFlags, context: CliContext): Promise<ExitCode> {
  const disarm = armStopDeadline(context);
  try {
    return await runSimulator(flags, context);
  } finally {
    disarm();
  }
}

async function runSimulator(flags: SimFlags, context: CliContext): Promise<ExitCode> {
  const { terminal } = context;
  const { sim, files, reloadFailures } = await startSimulator(flags);
  try {
    const { describeApps, describeSimulator } = await loadSimulator();
    const instructions = connectInstructions(sim, files, flags.site, {
      command: selfCommand(context.env),
      apps: describeApps(sim.apps),
      listeners: describeSimulator(sim),
    });
    for (const line of instructions) terminal.out(line);
    // A failed start-up reload leaves its app without data: say so now, not when a client finds out.
    for (const line of reloadFailures) terminal.err(line);
    if (flags.check && sim.proxies.length > 0) {
      const site = createSite({ ...simulatorSiteOptions(sim, CHECK_USER), logoutOnClose: true });
      try {
        const report = await Promise.race([checkConnection(site), untilAborted(context.interrupted)]);
        if (report === undefined) {
          terminal.err('stopping the simulator');
          return EXIT_CODES.ok;
        }
        terminal.out(
          `\ncheck: JWT handshake OK (cookie ${report.cookieName ?? '(none)'}, CSRF token ${report.csrfToken ? 'received' : 'not used'}), engine ${report.engineVersion}, proxy sessions used: ${report.proxySessionsCreated}`,
        );
      } catch (error) {
        const { code, message } = describeError(error);
        terminal.err(`check failed: ${code}: ${message}`);
        return EXIT_CODES.failure;
      } finally {
        await site.close();
      }
    }
    terminal.out('\nPress Ctrl-C to stop.');
    await untilAborted(context.interrupted);
    terminal.err('stopping the simulator');
    return EXIT_CODES.ok;
  } finally {
    await sim.close();
  }
}

/**
 * From the first interrupt on, the process ends within {@link SIM_STOP_DEADLINE_MS} whatever the
 * simulator is doing (start-up reloads, the check, closing). Returns the disarm function, called
 * once the command has finished so that a clean stop keeps its own exit code.
 */
function armStopDeadline(context: CliContext): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    timer = setTimeout(() => {
      context.terminal.err(`the simulator did not stop within ${SIM_STOP_DEADLINE_MS} ms: exiting`);
      process.exit(EXIT_CODES.interrupted);
    }, SIM_STOP_DEADLINE_MS);
    timer.unref();
  };
  if (context.interrupted.aborted) arm();
  else context.interrupted.addEventListener('abort', arm, { once: true });
  return () => {
    context.interrupted.removeEventListener('abort', arm);
    clearTimeout(timer);
  };
}

/**
 * What `qixflow sim` prints: where it listens, its proxies and apps, and the exact variables and
 * commands to connect with.
 *
 * @example
 * ```ts
 * const how = { command: 'qixflow', apps: describeApps(sim.apps), listeners: describeSimulator(sim) };
 * for (const line of connectInstructions(sim, files, 'demo', how)) console.log(line);
 * ```
 */
export function connectInstructions(
  sim: Simulator,
  files: SimulatorFiles,
  siteName: string,
  how: { command: string; apps: string; listeners: string[] },
): string[] {
  const { command } = how;
  const lines = [`qixflow simulator listening on ${sim.url} (site: ${siteName})`, ...how.listeners];
  lines.push(`  ${how.apps}${sim.apps.length > 8 ? ` ('${command} apps' lists them all)` : ''}`);
  lines.push(
    `  wrote ${files.key} (JWT signing key), ${files.certificate}${files.ca === undefined ? '' : `, ${files.ca} (TLS CA)`}`,
  );
  const proxy = sim.proxies[0];
  const quote = (value: string): string => (/^[\w./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`);
  if (proxy !== undefined) {
    const variables = [
      `QIXFLOW_HOST=${sim.url}`,
      `QIXFLOW_PREFIX=${proxy.prefix}`,
      `QIXFLOW_PRIVATE_KEY_FILE=${quote(files.key)}`,
      ...(files.ca === undefined ? [] : [`QIXFLOW_CA_FILE=${quote(files.ca)}`]),
      'QIXFLOW_USER_ID=demo',
      'QIXFLOW_USER_DIRECTORY=DEMO',
    ];
    lines.push(
      '',
      'Connect with qixflow (in another terminal):',
      `  export ${variables.join(' ')}`,
      `  ${command} login`,
      `  ${command} apps`,
      ...(sim.apps.some((a) => a.name === 'Sales Dashboard') ? [`  ${command} watch 'Sales Dashboard'`] : []),
      `  ${command} lineage --all --out lineage-output`,
    );
  }
  if (sim.tenant !== undefined) {
    lines.push(
      '',
      'As a Qlik Cloud client:',
      `  export QIXFLOW_HOST=${sim.tenant.url} QIXFLOW_PREFIX= QIXFLOW_USER_ID= QIXFLOW_USER_DIRECTORY= QIXFLOW_AUTH=cloud-jwt QIXFLOW_PRIVATE_KEY_FILE=${quote(files.key)}${files.ca === undefined ? '' : ` QIXFLOW_CA_FILE=${quote(files.ca)}`} QIXFLOW_KID=${sim.tenant.keyId} QIXFLOW_ISSUER=${sim.tenant.issuer} QIXFLOW_SUBJECT=demo QIXFLOW_NAME=Demo QIXFLOW_EMAIL=demo@example.com`,
    );
  }
  lines.push('', 'Other clients:');
  if (proxy !== undefined) {
    lines.push(
      `  handshake: GET ${proxy.url}/qps/csrftoken with "Authorization: Bearer <JWT signed with the key above>"`,
      `  engine:    ${proxy.wsUrl}<appId>?qlik-csrf-token=<token> with the session cookie and an Origin on the host allow list (${proxy.hostAllowList.join(', ')})`,
    );
  }
  if (sim.engineUrl !== undefined)
    lines.push(`  engine without authentication (like Qlik Core): ${sim.engineUrl}/app/<appId>`);
  lines.push(`  faults: POST ${sim.url}/__sim/control/<action> with header "x-sim-control-token: ${sim.controlToken}"`);
  return lines;
}

/**
 * How the user can run qixflow again from where they are: `pnpm qixflow` when this run came
 * through the workspace's root script, `qixflow` otherwise (installed on the PATH).
 *
 * @example
 * ```ts
 * selfCommand(process.env); // 'pnpm qixflow' under `pnpm qixflow sim`
 * ```
 */
export function selfCommand(env: Record<string, string | undefined>): string {
  return env.npm_lifecycle_event === 'qixflow' ? 'pnpm qixflow' : 'qixflow';
}
