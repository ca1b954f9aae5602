import type { Logger } from '@qixflow/core';
import type { ExitCode } from './exit-codes.js';
import type { Terminal } from './output/terminal.js';

/** What every command receives: where to write, the environment, and the global flags. */
export interface CliContext {
  readonly terminal: Terminal;
  readonly env: Record<string, string | undefined>;
  /** `--debug`: stack traces and core's log lines on stderr. */
  readonly debug: boolean;
  /** core's logger when `--debug` is on. */
  readonly logger: Logger | undefined;
  /** Fires on the first Ctrl-C / SIGTERM. */
  readonly interrupted: AbortSignal;
}

/** Options of a {@link Runner} call. */
export interface RunOptions {
  /**
   * The command ends itself cleanly on Ctrl-C (watch, sim): an interrupt is its normal end. Other
   * commands get a short grace period to clean up, then the process exits with code 130.
   */
  handlesInterrupt?: boolean;
}

/**
 * Runs a command's action with the context, prints a failure as `error <CODE>: <message>` plus the
 * fix, and records the exit code. Every command's `.action()` goes through it.
 */
export type Runner = (action: (context: CliContext) => Promise<ExitCode>, options?: RunOptions) => Promise<void>;
