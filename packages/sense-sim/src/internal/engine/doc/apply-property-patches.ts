import { EngineError } from '../rpc/engine-error.js';

/** One `NxPatch`: `qValue` is JSON text. */
interface NxPatch {
  qOp?: unknown;
  qPath?: unknown;
  qValue?: unknown;
}

const OPS: Record<string, 'add' | 'remove' | 'replace'> = {
  add: 'add',
  remove: 'remove',
  replace: 'replace',
  '0': 'add',
  '1': 'remove',
  '2': 'replace',
};

/**
 * Applies `ApplyPatches` patches to a copy of `properties` and returns it. Paths are JSON
 * pointers; `qValue` is parsed as JSON (a bad one is an invalid-parameter error, nothing is
 * changed). Missing intermediate objects are created for `add`/`replace`, as the engine does for
 * custom properties.
 */
export function applyPropertyPatches(properties: Record<string, unknown>, patches: unknown): Record<string, unknown> {
  if (!Array.isArray(patches)) throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qPatches');
  const result = structuredClone(properties);
  for (const raw of patches as NxPatch[]) {
    const op = OPS[String(raw?.qOp ?? '').toLowerCase()];
    const path = raw?.qPath;
    if (!op || typeof path !== 'string' || !path.startsWith('/')) {
      throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', 'qPatches');
    }
    const segments = path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (segments.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype')) {
      throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', path);
    }
    if (segments[0] === 'qInfo') continue; // the identity of an object cannot be patched
    let value: unknown;
    if (op !== 'remove') {
      try {
        value = JSON.parse(String(raw.qValue));
      } catch {
        throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', `qValue of ${path}`);
      }
    }
    let parent: unknown = result;
    for (const segment of segments.slice(0, -1)) {
      const container = parent as Record<string, unknown>;
      if (container[segment] === undefined || container[segment] === null) {
        if (op === 'remove') return result;
        container[segment] = {};
      }
      parent = container[segment];
      if (typeof parent !== 'object' || parent === null)
        throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', path);
    }
    const last = segments[segments.length - 1] ?? '';
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) {
        throw EngineError.of('LOCERR_GENERIC_INVALID_PARAMETERS', path);
      }
      if (op === 'add') parent.splice(index, 0, value);
      else if (op === 'replace') parent[index] = value;
      else parent.splice(index, 1);
    } else {
      const container = parent as Record<string, unknown>;
      if (op === 'remove') delete container[last];
      else container[last] = value;
    }
  }
  return result;
}
