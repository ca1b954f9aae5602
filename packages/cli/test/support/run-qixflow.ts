import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real binary, as users run it. */
export const BIN = fileURLToPath(new URL('../../bin/qixflow.js', import.meta.url));

/** What a finished run printed and how it ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const ISOLATED_HOME = mkdtempSync(join(tmpdir(), 'qixflow-cli-home-'));

/** The environment without any QIXFLOW_* variable of the machine running the tests. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('QIXFLOW_') && value !== undefined) env[key] = value;
  }
  // Never the contexts, sessions or budget of the user running the tests. Contexts: one folder per
  // test file. Sessions and budget: one folder per run, so every run makes its own handshake unless a
  // test shares a state folder on purpose (QIXFLOW_STATE_DIR) to test session re-use.
  env.XDG_CONFIG_HOME = join(ISOLATED_HOME, 'config');
  env.XDG_STATE_HOME = mkdtempSync(join(ISOLATED_HOME, 'state-'));
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  // Never a terminal under test: plain progress lines.
  return env;
}

/** Runs `node bin/qixflow.js …args` to the end. */
export function runQixflow(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const child = startQixflow(args, options);
  return child.done;
}

/** A running `qixflow` process with helpers to wait for output. */
export interface RunningQixflow {
  readonly process: ChildProcess;
  readonly done: Promise<RunResult>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line (after `from` lines) matching `pattern`. */
  waitForLine(
    pattern: RegExp,
    options?: { timeoutMs?: number; afterLine?: number },
  ): Promise<{ line: string; index: number }>;
  /** Number of complete stdout lines so far. */
  lineCount(): number;
}

/** Starts `node bin/qixflow.js …args` without waiting for it. */
export function startQixflow(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): RunningQixflow {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters) waiter();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const done = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `qixflow ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const waiter of waiters) waiter();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const lines = (): string[] => stdout.split('\n').slice(0, -1);
  return {
    process: child,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    lineCount: () => lines().length,
    waitForLine: (pattern, waitOptions = {}) =>
      new Promise((resolve, reject) => {
        const from = waitOptions.afterLine ?? 0;
        const check = (): void => {
          const all = lines();
          for (let i = from; i < all.length; i++) {
            const line = all[i] ?? '';
            if (pattern.test(line)) {
              cleanup();
              resolve({ line, index: i });
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(
              new Error(
                `qixflow exited (${child.exitCode}) before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no line matching ${pattern} in ${waitOptions.timeoutMs ?? 20_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        }, waitOptions.timeoutMs ?? 20_000);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}
