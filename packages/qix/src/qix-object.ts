import type { EnigmaSession } from './enigma-session.js';

/** The events enigma.js emits on an API object. */
export type QixObjectEvent = 'changed' | 'closed';

/**
 * What enigma.js puts on every API object besides the engine methods (its `generateApi` and its per-instance
 * event emitter). Every generated class extends it.
 *
 * - `changed`: the engine listed the handle in a `change` array (the layout is stale), or a resumed session
 *   restored the object;
 * - `closed`: the engine listed the handle in a `close` array, or the session closed.
 *
 * @typeParam T - The engine class (`'Doc'`, `'GenericObject'`, …), the `qType` enigma.js was handed.
 * @example
 * ```ts
 * const onChanged = (): void => void object.getLayout().then(render);
 * object.on('changed', onChanged);
 * // later
 * object.removeListener('changed', onChanged);
 * ```
 */
export interface QixObject<T extends string = string> {
  /** The object id (`qGenericId`); `'Global'` for Global. */
  readonly id: string;
  /** The engine class. */
  readonly type: T;
  /** The object's own type (`qGenericType`): `qInfo.qType` for generic objects (`'barchart'`, …). */
  readonly genericType: string;
  /** The engine handle (−1 for Global); enigma.js rewrites it when a suspended session resumes. */
  handle: number;
  /** The session the object belongs to. */
  readonly session: EnigmaSession;
  /** Adds a listener. */
  on(event: QixObjectEvent, listener: () => void): this;
  /** Adds a listener (same as `on`). */
  addListener(event: QixObjectEvent, listener: () => void): this;
  /** Adds a listener removed after its first call. */
  once(event: QixObjectEvent, listener: () => void): this;
  /** Removes a listener added with `on`, `addListener` or `once`. */
  removeListener(event: QixObjectEvent, listener: () => void): this;
  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: QixObjectEvent): this;
  /** Calls the listeners of `event`; true when there were some. */
  emit(event: QixObjectEvent): boolean;
  /** The listeners of `event`. */
  listeners(event: QixObjectEvent): (() => void)[];
  /** Raises the listener count above which the emitter warns (10). */
  setMaxListeners(count: number): this;
}
