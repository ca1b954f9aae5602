import type { QixApi } from '../types/qix-api.js';
import { call } from './call.js';

/**
 * The Global object (handle -1) of an API object's session, used to send `CancelRequest`.
 * enigma.js caches one API object per handle; `session.getObjectApi({ handle: -1, … })` returns the
 * Global it already has (the one `session.open()` resolved with) without any traffic. Sessions
 * that do not expose `getObjectApi` (or an explicit `global` option) get no cancellation: the
 * superseded result is then only ignored.
 */
export function globalOf(api: QixApi): QixApi | undefined {
  if (api.handle === -1) return api;
  const session = api.session;
  if (!session || typeof session.getObjectApi !== 'function') return undefined;
  try {
    const global = session.getObjectApi({ handle: -1, id: 'Global', type: 'Global', genericType: 'Global' });
    return typeof (global as { cancelRequest?: unknown } | undefined)?.cancelRequest === 'function'
      ? (global as QixApi)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks the engine to stop working on requests (`Global.CancelRequest(id)`): the engine answers the
 * cancelled request with `LOCERR_GENERIC_ABORTED` (15). Fire-and-forget: a request that already
 * finished is simply not found; a suspended or closed session makes the cancel itself fail, which
 * is ignored (the request died with the socket anyway).
 */
export function cancelOnEngine(global: QixApi | undefined, requestIds: readonly number[]): void {
  if (!global) return;
  for (const id of requestIds) {
    try {
      call<unknown>(global, 'cancelRequest', id).then(undefined, () => undefined);
    } catch {
      // not an enigma.js Global after all: nothing to cancel with
    }
  }
}
