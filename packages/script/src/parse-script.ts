import type { Script } from './ast.js';
import type { Diagnostic } from './diagnostic.js';
import { environmentToMap } from './internal/environment.js';
import { wholeSpan } from './internal/position.js';
import { ScriptParser } from './internal/script-parser.js';
import type { VariableEnvironment } from './variable-environment.js';

/** Options of {@link parseScript}. */
export interface ParseScriptOptions {
  /**
   * Parse with a symbolic variable environment: `$(name)` whose value is known is expanded before the
   * text is parsed (as the engine does; tokens from an expansion carry the span of the `$(…)`), and
   * unknown ones stay `DollarExpansion` placeholders. Without this option nothing is expanded.
   */
  readonly variables?: VariableEnvironment;
  /**
   * With `variables`: update the environment from SET (its value) and LET (when its value is a constant,
   * or `evaluate` can compute it; otherwise the variable becomes unknown) in text order. Default true.
   * Control flow is not followed: a SET inside IF or a loop applies from where it is written on.
   */
  readonly trackAssignments?: boolean;
  /** With `variables`: evaluates `$(=expr)` and non-constant LET right-hand sides; return undefined when it cannot. */
  readonly evaluate?: (expression: string) => string | undefined;
}

/** What {@link parseScript} returns. */
export interface ParseScriptResult {
  readonly ast: Script;
  /** Problems found, in source order. The AST is complete even when there are errors. */
  readonly diagnostics: readonly Diagnostic[];
  /** With `variables`: the environment after the last statement (including tracked SET/LET); else null. */
  readonly variables: ReadonlyMap<string, string> | null;
}

function validate(text: unknown, options: unknown): asserts options is ParseScriptOptions {
  if (typeof text !== 'string') throw new TypeError(`parseScript: text must be a string, got ${typeof text}`);
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`parseScript: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  if (o.variables !== undefined && (o.variables === null || typeof o.variables !== 'object')) {
    throw new TypeError('parseScript: options.variables must be an object or a Map of variable values');
  }
  if (o.trackAssignments !== undefined && typeof o.trackAssignments !== 'boolean') {
    throw new TypeError(`parseScript: options.trackAssignments must be a boolean, got ${typeof o.trackAssignments}`);
  }
  if (o.evaluate !== undefined && typeof o.evaluate !== 'function') {
    throw new TypeError(`parseScript: options.evaluate must be a function, got ${typeof o.evaluate}`);
  }
}

/**
 * Parses a Qlik load script. Never throws on user input: problems are reported as diagnostics, and
 * statements that cannot be parsed (or are not modelled) are kept as `RawStatement` nodes.
 *
 * @example
 * ```ts
 * import { parseScript, printScript } from '@qixflow/script';
 *
 * const { ast, diagnostics } = parseScript(
 *   "SET vPath = 'lib://QVDs';\nSales:\nLOAD OrderID, Amount * 1.25 AS Gross FROM [$(vPath)/Sales.qvd] (qvd);",
 *   { variables: {} },
 * );
 * const load = ast.body[1];
 * if (load?.kind === 'LoadStatement' && load.query.kind === 'Load' && load.query.source.kind === 'FromSource') {
 *   load.label; // 'Sales'
 *   load.query.source.path; // 'lib://QVDs/Sales.qvd' (expanded from the SET above)
 * }
 * diagnostics.length; // 0
 * printScript(ast); // canonical text that parses back to the same AST
 * ```
 */
export function parseScript(text: string, options: ParseScriptOptions = {}): ParseScriptResult {
  validate(text, options);
  const variables = options.variables === undefined ? null : environmentToMap(options.variables);
  const tracking = variables
    ? { variables, trackAssignments: options.trackAssignments ?? true, evaluate: options.evaluate }
    : null;
  const parser = new ScriptParser(text, tracking);
  let ast: Script;
  try {
    ast = parser.parseScript();
  } catch (e) {
    // Last line of defence: statement-level recovery should make this unreachable.
    const span = wholeSpan(text);
    parser.diagnostics.push({
      code: 'internal-error',
      severity: 'error',
      message: `Internal parser error: ${e instanceof Error ? e.message : String(e)}`,
      span,
    });
    ast = { kind: 'Script', body: [{ kind: 'RawStatement', text, keyword: null, span }], span };
  }
  const diagnostics = [...parser.diagnostics].sort((a, b) => a.span.start.offset - b.span.start.offset);
  return { ast, diagnostics, variables };
}
