import type { Expression } from '@qixflow/script';
import type { BoundExpression } from '../data/expressions/compile-expression.js';
import type { ScriptHost } from '../data/expressions/functions/script-host.js';
import type { Cell, LoadedModel } from '../data/model/loaded-model.js';
import type { DataFolderMapping } from './folder-mappings.js';
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
  /** The running script, for the functions only the script has (Peek, Exists, TableNumber …). */
  readonly script?: ScriptHost;
}

/** Evaluates row-level (script) expressions. */
export interface EvaluateRow {
  (expression: Expression, scope: RowScope): Cell;
  /**
   * The same evaluation bound to one scope, for the many calls of one LOAD (its variables do not
   * change while it runs); left out, each call goes through the function itself.
   */
  forScope?(scope: RowScope): (expression: Expression) => Cell;
  /**
   * Each expression compiled once and bound to one scope, for the expressions a LOAD evaluates per
   * record (its fields, WHERE, WHILE); left out, they are evaluated through {@link forScope}.
   */
  bindFor?(scope: RowScope): (expression: Expression) => BoundExpression;
}

/** A data connection as the script sees it. */
export interface ReloadConnection {
  name: string;
  type: string;
  connectionString: string;
}

/** What a BINARY statement asks for when no file of the data folder answers it. */
export interface BinaryRequest {
  /**
   * An app id (`Binary [8fe6f3a2-…];`), or the file name of a `lib://` path (`Sales Dashboard.qvf`,
   * or an app id as a server's Apps folder names its files).
   */
  readonly app: string;
  /** The path as the script wrote it (after `$(…)` expansion): what messages quote. */
  readonly written: string;
}

/**
 * The data model of another app of the site, for BINARY. Rejects with an ExecutionError naming
 * the request when no app matches or the app has no data.
 */
export type LoadBinary = (request: BinaryRequest) => Promise<LoadedModel>;

/** Where the reload reads and writes, how it evaluates, and what bounds it. */
export interface ReloadEnvironment {
  /** The simulator's data folder (folder connections point inside it). */
  dataDir: string;
  connections: readonly ReloadConnection[];
  /** Where folder connections with a real absolute path read and write (the site's mappings). */
  folderMappings?: readonly DataFolderMapping[];
  /** The site's apps for BINARY; without it BINARY reads `.qvf` files of the data folder only. */
  binary?: LoadBinary;
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
