// The generated modules hold hundreds of declarations: re-exported whole, as types, rather than listed here.

export type { EnigmaSession } from './enigma-session.js';
export type * from './generated/classes.js';
export {
  ENGINE_ERRORS,
  type EngineErrorCode,
  type EngineErrorEntry,
  type EngineErrorName,
} from './generated/engine-errors.js';
export type * from './generated/structs.js';
export type { LayoutOf } from './layout-of.js';
export type { QixDouble } from './qix-double.js';
export type { QixObject, QixObjectEvent } from './qix-object.js';
export type { QixPromise } from './qix-promise.js';
