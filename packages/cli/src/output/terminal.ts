import { escapeControlInLines } from './escape-control.js';
import { redactOutput } from './redact.js';

/** Where a command writes: stdout for results, stderr for progress, warnings and errors. */
export interface Terminal {
  /** One line (or several) of results on stdout, redacted, control characters escaped. */
  out(text: string): void;
  /** One line on stderr (progress, notes, errors), redacted, control characters escaped. */
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars, colours). */
  readonly interactive: boolean;
  /** Whether stdout is a terminal. */
  readonly stdoutIsTTY: boolean;
  /** Registers values that must never be printed (a private key read from a file, say). */
  addSecret(secret: string): void;
  /** Redacts `text` with the registered secrets and the generic patterns. */
  redact(text: string): string;
}

/**
 * The process's terminal: `stdout`/`stderr` of this process.
 *
 * @example
 * ```ts
 * const terminal = processTerminal();
 * terminal.out('3 apps');
 * ```
 */
export function processTerminal(): Terminal {
  const secrets: string[] = [];
  // Redacted, then control characters made visible: whatever a command prints, no secret and no
  // escape sequence from a server reaches the screen.
  const clean = (text: string): string => escapeControlInLines(redactOutput(text, secrets));
  return {
    out: (text) => {
      process.stdout.write(`${clean(text)}\n`);
    },
    err: (text) => {
      process.stderr.write(`${clean(text)}\n`);
    },
    interactive: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    addSecret: (secret) => {
      // Multi-line secrets (PEM) are also masked line by line: a message may quote one line.
      for (const part of [secret, ...secret.split(/\r?\n/)]) {
        const trimmed = part.trim();
        if (trimmed.length >= 16 && !trimmed.startsWith('-----')) secrets.push(trimmed);
      }
    },
    redact: clean,
  };
}
