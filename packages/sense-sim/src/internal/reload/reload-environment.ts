import type { Expression } from '@qixflow/script';
import type { Cell } from '../data/loaded-model.js';
import type { ReloadBudgets, ReloadGuard } from './reload-budget.js';

/** What an expression sees while a LOAD runs: the current source record and the script state. */
export interface RowScope {
  /** A field of the current record; undefined when the record has no such field. */
  value(field: string): Cell | undefined;
  readonly recNo: number;
  readonly rowNo: number;
  readonly iterNo: number;
  readonly variables: ReadonlyMap<string, string>;
  /** Changes whenever a variable changes (lets evaluators cache what they derive from variables). */
  readonly variablesVersion: number;
  /** A mapping table (MAPPING LOAD) for ApplyMap. */
  mapping(name: string): ReadonlyMap<string, Cell> | undefined;
}

/** Evaluates row-level (script) expressions. */
export type EvaluateRow = (expression: Expression, scope: RowScope) => Cell;

/** A data connection as the script sees it. */
export interface ReloadConnection {
  name: string;
  type: string;
  connectionString: string;
}

/** Where the reload reads and writes, how it evaluates, and what bounds it. */
export interface ReloadEnvironment {
  /** The simulator's data folder (folder connections point inside it). */
  dataDir: string;
  connections: readonly ReloadConnection[];
  evaluate: EvaluateRow;
  signal?: AbortSignal;
  /** Limits of this reload; the defaults when absent. */
  budgets?: Readonly<ReloadBudgets>;
  /**
   * The guard to run under (yielding, aborts, budgets), when the caller keeps pacing work after the
   * script (the model build); otherwise one is made from `signal` and `budgets`.
   */
  guard?: ReloadGuard;
  /** Progress lines (the engine's persistent progress). */
  onProgress?: (line: string) => void;
}
