/**
 * What an enigma.js method returns: a promise carrying the JSON-RPC id of its request, which
 * `Global.cancelRequest` takes. enigma.js sets it on the promise and patches `then` so that every promise
 * chained from it carries it too. It is absent when the call failed before a request was made (suspended
 * session) or a mixin replaced the method.
 *
 * @example
 * ```ts
 * const pending = doc.getAppLayout();
 * if (pending.requestId !== undefined) await global.cancelRequest(pending.requestId);
 * ```
 */
export interface QixPromise<T> extends Promise<T> {
  readonly requestId?: number;
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): QixPromise<R1 | R2>;
}
