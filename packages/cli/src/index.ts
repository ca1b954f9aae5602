// @qixflow/cli — the `qixflow` command. The binary is bin/qixflow.js; this module lets other
// programs run it in-process or reuse its exit codes.
export type { CliContext, Runner, RunOptions } from './cli-context.js';
export type { CliErrorCode } from './cli-error.js';
export { CliError } from './cli-error.js';
export type { CodedError, DescribedError } from './describe-error.js';
export { describeError } from './describe-error.js';
export type { ExitCode } from './exit-codes.js';
export { EXIT_CODE_HELP, EXIT_CODES, exitCodeHelp } from './exit-codes.js';
export type { Terminal } from './output/terminal.js';
export { processTerminal } from './output/terminal.js';
export type { RunCliOptions } from './program.js';
export { createProgram, runCli } from './program.js';
