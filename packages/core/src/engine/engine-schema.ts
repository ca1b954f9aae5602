import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cache = new Map<string, object>();

/** The enigma.js engine schema of a version (shipped in the enigma.js package). */
export function loadEngineSchema(version: string): object {
  let schema = cache.get(version);
  if (!schema) {
    schema = require(`enigma.js/schemas/${version}.json`) as object;
    cache.set(version, schema);
  }
  return schema;
}
