/** What {@link listenForInterrupt} returns. */
export interface InterruptListener {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Removes the signal handlers. */
  dispose(): void;
}

// A Ctrl-C in a terminal reaches both bin/qixflow.js and the process it started, and the wrapper
// forwards what it gets: the same key press can arrive twice within a few milliseconds.
const DUPLICATE_WINDOW_MS = 500;

/**
 * Turns SIGINT/SIGTERM into an AbortSignal so commands can tear down cleanly. A second Ctrl-C
 * (after the duplicate window) while tearing down forces the exit with code 130.
 *
 * @example
 * ```ts
 * const interrupt = listenForInterrupt();
 * interrupt.signal.addEventListener('abort', () => subscription.unsubscribe());
 * ```
 */
export function listenForInterrupt(): InterruptListener {
  const controller = new AbortController();
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      firstAt = Date.now();
      controller.abort(signal);
      return;
    }
    if (Date.now() - firstAt < DUPLICATE_WINDOW_MS) return;
    process.stderr.write('interrupted again: exiting without cleaning up\n');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Resolves when `signal` aborts (at once if it already has).
 *
 * @example
 * ```ts
 * await untilAborted(context.interrupted);
 * ```
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
