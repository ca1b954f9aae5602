import type { QixEventSource, QixListener } from '../types/qix-api.js';

/**
 * Adds an event listener to an enigma.js object and returns the function that removes it again
 * (`removeListener`, or `off` on emitters that only have that). enigma.js removes every listener
 * of an API object itself when its handle closes; removing twice is harmless.
 */
export function listen(source: QixEventSource, event: string, listener: QixListener): () => void {
  source.on(event, listener);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    removeListener(source, event, listener);
  };
}

/** Removes a listener added with `source.on` (`removeListener`, or `off` on emitters that only have that). */
export function removeListener(source: QixEventSource, event: string, listener: QixListener): void {
  if (typeof source.removeListener === 'function') source.removeListener(event, listener);
  else if (typeof source.off === 'function') source.off(event, listener);
}
