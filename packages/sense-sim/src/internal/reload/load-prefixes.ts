import type { LoadPrefix, LoadStatement } from '@qixflow/script';
import { ExecutionError } from './script-error.js';

/** Prefixes the simulator refuses, with what they are called in the script. */
const UNSUPPORTED: Partial<Record<LoadPrefix['kind'], string>> = {
  GenericPrefix: 'GENERIC',
  HierarchyPrefix: 'HIERARCHY',
  HierarchyBelongsToPrefix: 'HIERARCHYBELONGSTO',
  SemanticPrefix: 'SEMANTIC',
  MergePrefix: 'MERGE',
};

/**
 * What a LOAD's partial-reload and unsupported prefixes mean for a full reload (the only kind the
 * simulator runs), after help.qlik.com's script prefix pages:
 * - `ADD ONLY`, `REPLACE ONLY`, `MERGE ONLY` run in partial reloads only: the statement is skipped;
 * - `ADD` is a normal LOAD; `REPLACE` drops the table it would concatenate to first (see
 *   `replaces`); `BUFFER` only caches, so it loads as usual;
 * - `GENERIC`, `HIERARCHY`, `HIERARCHYBELONGSTO`, `SEMANTIC` and `MERGE` are not simulated: a
 *   script error names them (never a LOAD that silently ignores them).
 */
export function skippedInFullReload(statement: LoadStatement): boolean {
  for (const prefix of statement.prefixes) {
    if (
      (prefix.kind === 'AddPrefix' || prefix.kind === 'ReplacePrefix' || prefix.kind === 'MergePrefix') &&
      prefix.only
    )
      return true;
  }
  for (const prefix of statement.prefixes) {
    const name = UNSUPPORTED[prefix.kind];
    if (name !== undefined) throw new ExecutionError(`The ${name} prefix is not supported by the simulator`);
  }
  return false;
}

/** Whether a `REPLACE` LOAD: the table it would add its rows to is dropped and a new one made. */
export function replaces(statement: LoadStatement): boolean {
  return statement.prefixes.some((p) => p.kind === 'ReplacePrefix');
}
