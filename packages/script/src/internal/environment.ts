import type { VariableEnvironment } from '../variable-environment.js';
import { lookupIn } from './expansion.js';

/** Copies the caller's environment (it is never mutated). */
export function environmentToMap(env: VariableEnvironment): Map<string, string> {
  const map = new Map<string, string>();
  if (env instanceof Map) {
    for (const [k, v] of env) if (typeof v === 'string') map.set(k, v);
    return map;
  }
  const lookup = lookupIn(env);
  for (const k of Object.keys(env)) {
    const v = lookup(k);
    if (typeof v === 'string') map.set(k, v);
  }
  return map;
}
