import { QixflowError } from '../errors.js';
import type { Timers } from '../site-options.js';

/** How to bound one engine call, and how to tell the engine to stop it. */
export interface CancellableCallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  timers: Timers;
  /** Sends the engine `CancelRequest` for the call (so it stops computing, not just us waiting). */
  cancelRequest(requestId: number): void;
}

/**
 * Settles with the call, or rejects with `ERR_ABORTED` / `ERR_TIMEOUT` first and asks the
 * engine to cancel it. enigma.js puts the JSON-RPC id on the promise it returns (`requestId`).
 */
export function cancellableCall<T>(promise: Promise<T>, options: CancellableCallOptions): Promise<T> {
  const { signal, timeoutMs, timers } = options;
  const requestId = (promise as { requestId?: number }).requestId;
  if (timeoutMs === undefined && !signal) return promise;
  return new Promise<T>((resolve, reject) => {
    let timer: unknown;
    const cleanup = (): void => {
      if (timer !== undefined) timers.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const cancel = (error: QixflowError): void => {
      cleanup();
      if (requestId !== undefined) options.cancelRequest(requestId);
      reject(error);
    };
    const onAbort = (): void =>
      cancel(new QixflowError('ERR_ABORTED', 'the call was aborted; the engine was asked to cancel it'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = timers.setTimeout(
        () =>
          cancel(
            new QixflowError('ERR_TIMEOUT', `the engine did not answer within ${timeoutMs} ms; the call was cancelled`),
          ),
        timeoutMs,
      );
    }
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
