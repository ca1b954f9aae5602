import { readFileSync } from 'node:fs';
import type { ConfigEnvVariable, Logger } from '@qixflow/core';
import { Command, CommanderError } from 'commander';
import type { CliContext, Runner } from './cli-context.js';
import { defineCommands } from './define-commands.js';
import { describeError } from './describe-error.js';
import { EXIT_CODES, type ExitCode, exitCodeHelp } from './exit-codes.js';
import { listenForInterrupt } from './internal/interrupt.js';
import { processTerminal, type Terminal } from './output/terminal.js';

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Default: this process's stdout/stderr. */
  terminal?: Terminal;
  /** Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

// Commands with the connection flags: their help lists the QIXFLOW_* variables.
const CONNECTING_COMMANDS = ['login', 'apps', 'watch', 'lineage'];

// How long a command that does not handle Ctrl-C itself may take to clean up after one.
const INTERRUPT_GRACE_MS = 2000;

/**
 * Runs the `qixflow` command line: parses `argv` (user arguments, without `node` and the script),
 * runs the command, prints a failure as `error <CODE>: <message>` and its fix, and resolves the exit
 * code (see {@link EXIT_CODES}). Never throws.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['apps', '--json']);
 * ```
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<ExitCode> {
  const terminal = options.terminal ?? processTerminal();
  const env = options.env ?? process.env;
  const interrupt = listenForInterrupt();
  let exitCode: ExitCode = EXIT_CODES.ok;
  let debug = argv.includes('--debug');

  let handlesInterrupt = false;
  const run: Runner = async (action, runOptions = {}) => {
    handlesInterrupt = runOptions.handlesInterrupt === true;
    const context: CliContext = {
      terminal,
      env,
      debug,
      logger: debug ? debugLogger(terminal) : undefined,
      interrupted: interrupt.signal,
    };
    if (!handlesInterrupt) {
      // Give the command a moment to close what it opened, then end the process.
      interrupt.signal.addEventListener(
        'abort',
        () => {
          setTimeout(() => {
            terminal.err('interrupted');
            process.exit(EXIT_CODES.interrupted);
          }, INTERRUPT_GRACE_MS).unref();
        },
        { once: true },
      );
    }
    try {
      exitCode = await action(context);
    } catch (error) {
      exitCode = reportError(error, terminal, debug);
    }
  };

  // The variable list comes from core, which is only worth loading when help will be printed.
  const wantsHelp =
    argv.some((arg) => arg === '--help' || arg === '-h' || arg === 'help') &&
    argv.some((arg) => CONNECTING_COMMANDS.includes(arg));
  const environment = wantsHelp ? (await import('@qixflow/core')).configEnvVariables : undefined;
  const program = createProgram(run, environment);
  program.hook('preAction', (_this, actionCommand) => {
    debug = actionCommand.optsWithGlobals<{ debug?: boolean }>().debug === true;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = commanderExit(error, argv, program, terminal);
    } else {
      exitCode = reportError(error, terminal, debug);
    }
  } finally {
    interrupt.dispose();
  }
  if (interrupt.signal.aborted && !handlesInterrupt) exitCode = EXIT_CODES.interrupted;
  return exitCode;
}

/**
 * Builds the commander program with every command; actions go through `run`. `environment` (core's
 * `configEnvVariables`) adds the variable list to the help of connecting commands.
 *
 * @example
 * ```ts
 * createProgram(run, configEnvVariables).parseAsync(['login'], { from: 'user' });
 * ```
 */
export function createProgram(run: Runner, environment?: readonly ConfigEnvVariable[]): Command {
  const program = new Command('qixflow')
    .description('Qlik Sense tooling: simulator, login check, apps, live watch and lineage extraction')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces and what qixflow does on stderr (never secrets)')
    .helpOption('-h, --help', 'print help')
    .helpCommand('help [command]', 'print help for a command')
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', `${exitCodeHelp()}\n\nRun 'qixflow <command> --help' for the flags of a command.`);

  defineCommands(program, run);

  for (const command of program.commands) {
    const connects = command.options.some((o) => o.long === '--host');
    const variables = connects && environment !== undefined ? environmentHelp(environment) : '';
    command.addHelpText('after', `${variables}${exitCodeHelp()}`);
  }
  return program;
}

/** The `QIXFLOW_*` variables section of a connection command's help. */
function environmentHelp(configEnvVariables: readonly ConfigEnvVariable[]): string {
  const width = Math.max(...configEnvVariables.map((v) => v.name.length));
  return [
    '',
    'Environment (flags override variables, which override the --config / QIXFLOW_CONFIG file):',
    ...configEnvVariables.map((v) => `  ${v.name.padEnd(width)}  ${v.meaning}`),
    '',
  ].join('\n');
}

function commanderExit(error: CommanderError, argv: readonly string[], program: Command, terminal: Terminal): ExitCode {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_CODES.ok;
  // `qixflow` alone: commander printed the help on stderr.
  if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return EXIT_CODES.usage;
  const command = program.commands.find((c) => argv.includes(c.name()));
  const message = error.message.replace(/^error: /, '').replace(/\n/g, ' ');
  terminal.err(`error ERR_USAGE: ${message}`);
  terminal.err(`  fix: run 'qixflow ${command === undefined ? '' : `${command.name()} `}--help'`);
  return EXIT_CODES.usage;
}

function reportError(error: unknown, terminal: Terminal, debug: boolean): ExitCode {
  const described = describeError(error);
  terminal.err(`error ${described.code}: ${described.message}`);
  if (described.fix !== undefined) terminal.err(`  fix: ${described.fix}`);
  if (debug) {
    for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
      terminal.err(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}`);
      current = current.cause;
    }
  }
  return described.exitCode;
}

function debugLogger(terminal: Terminal): Logger {
  const line =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void =>
      terminal.err(`debug ${level}: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

function packageVersion(): string {
  try {
    const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
