import { EngineError } from '../rpc/engine-error.js';

/** A struct parameter (qProp, qPropEntry …): an object, or the engine's invalid-parameters error naming it. */
export function objectParam(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', name);
  }
  return value as Record<string, unknown>;
}
