import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** Codes of errors raised by the CLI itself (core's codes are used as they are). */
export type CliErrorCode =
  | 'ERR_USAGE'
  | 'ERR_CONFIG'
  | 'ERR_PORT_IN_USE'
  | 'ERR_SIMULATOR'
  | 'ERR_APP_NOT_FOUND'
  | 'ERR_APP_AMBIGUOUS'
  | 'ERR_OBJECT_NOT_FOUND'
  | 'ERR_QRS_UNAVAILABLE'
  | 'ERR_UNEXPECTED';

/**
 * An error the CLI raises itself: a stable `code`, the exit code it ends with, and the fix to print
 * under the message. Messages never hold a secret.
 *
 * @example
 * ```ts
 * throw new CliError('ERR_USAGE', '--concurrency must be a whole number from 1 to 32 (got "x")', {
 *   fix: 'run qixflow lineage --help',
 * });
 * ```
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly fix: string | undefined;

  constructor(
    code: CliErrorCode,
    message: string,
    options: { exitCode?: ExitCode; fix?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = options.exitCode ?? defaultExitCode(code);
    this.fix = options.fix;
  }
}

function defaultExitCode(code: CliErrorCode): ExitCode {
  switch (code) {
    case 'ERR_USAGE':
    case 'ERR_CONFIG':
    case 'ERR_PORT_IN_USE':
    case 'ERR_APP_NOT_FOUND':
    case 'ERR_APP_AMBIGUOUS':
    case 'ERR_OBJECT_NOT_FOUND':
    case 'ERR_QRS_UNAVAILABLE':
      return EXIT_CODES.usage;
    default:
      return EXIT_CODES.failure;
  }
}
