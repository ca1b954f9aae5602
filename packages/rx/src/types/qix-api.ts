/**
 * The minimal structural view of an enigma.js API object that @qixflow/rx depends on. Any enigma.js
 * object fits: one from @qixflow/core, the Doc a Qlik Sense extension gets as
 * `qlik.currApp().model.enigmaModel`, or one made with plain enigma.js. Nothing else of enigma.js
 * (its internals, its version) is assumed; engine methods are looked up by name at call time.
 */

/** A listener as enigma.js event emitters accept it. */
export type QixListener = (...args: never[]) => unknown;

/** Something with enigma.js-style events (`on` plus `removeListener` or `off`). */
export interface QixEventSource {
  on(event: string, listener: QixListener): unknown;
  removeListener?(event: string, listener: QixListener): unknown;
  off?(event: string, listener: QixListener): unknown;
}

/**
 * An enigma.js session as rx uses it: its events (`suspended`, `resumed`, `closed`, `opened`,
 * `notification:*`, `traffic:*`) and, when present, `getObjectApi` to reach the Global object for
 * `CancelRequest`.
 */
export interface QixSession extends QixEventSource {
  getObjectApi?(args: { handle: number; id: string; type: string; genericType: string }): unknown;
  /** enigma.js `Session#send` (the request behind every generated method), used for rx's direct fetches. */
  send?(request: never): PromiseLike<unknown>;
  /** enigma.js's session configuration; rx reads `mixins` (a mixin that overrides a getter is respected). */
  readonly config?: object;
}

/**
 * An enigma.js API object (Global, Doc, GenericObject, Field …): `{ id, handle, type, genericType,
 * on, removeListener?/off?, session?, …methods }`. Its engine methods are called by their enigma.js
 * (camelCase) names.
 */
export interface QixApi extends QixEventSource {
  readonly id: string;
  readonly handle: number;
  /** The QIX interface: `Doc`, `GenericObject`, `Field`, `GenericVariable` … */
  readonly type: string;
  /** The object's `qInfo.qType` (e.g. `sheet`, `barchart`). */
  readonly genericType?: string;
  readonly session?: QixSession;
}

/** A promise as enigma.js returns it: it carries the JSON-RPC request id (used to cancel the call). */
export type { QixPromise } from '@qixflow/qix';
