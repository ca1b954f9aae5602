import {
  type CallStatement,
  type ControlClause,
  type ExitStatement,
  type Expression,
  type IncludeStatement,
  type LoopCondition,
  parseClause,
  parseStatement,
  type ScanNode,
  type ScannedDo,
  type ScannedFor,
  type ScannedIf,
  type ScannedStatement,
  type ScannedSwitch,
  type ScannedText,
  type Statement,
  type SubStatement,
  scanScript,
} from '@qixflow/script';
import type { Cell } from '../data/loaded-model.js';
import { type DataTable, type LoadedModel, numberDual } from '../data/loaded-model.js';
import { derivedFieldSets } from './derive-fields.js';
import { type ExpandedText, expandStatement } from './expand-statement.js';
import { readIncludeFile } from './read-include-file.js';
import type { ReloadEnvironment } from './reload-environment.js';
import { runLeafStatement } from './run-leaf-statement.js';
import { ExecutionError, ScriptError } from './script-error.js';
import { ScriptState } from './script-state.js';
import { ExpandedUnit, type ScriptUnit, WrittenUnit } from './script-unit.js';
import { equalCells, toNumber, truthy } from './script-values.js';

export type { EvaluateRow, ReloadConnection, ReloadEnvironment, RowScope } from './reload-environment.js';

/**
 * Deepest CALL nesting. A procedure calling itself would otherwise recurse until the stack
 * overflows (which V8 reports inside promise callbacks, outside any catch).
 */
const MAX_CALL_DEPTH = 256;
/** Deepest `$(Include=…)` nesting: a file that includes itself fails here instead of looping. */
const MAX_INCLUDE_DEPTH = 16;
/** An include directive anywhere in a text (the driver runs them only as whole statements). */
const INCLUDE_DIRECTIVE = /\$\(\s*(?:must_)?include\s*=/i;

class ExitScript extends Error {}
class ExitLoop extends Error {
  /** The error when no DO / FOR / SUB takes it (EXIT FOR outside a FOR …). */
  readonly outside: ScriptError;

  constructor(
    readonly target: 'do' | 'for' | 'sub',
    outside: ScriptError,
  ) {
    super(target);
    this.outside = outside;
  }
}

/** A SUB met by the run: its parsed clause, its body and the text it was written in. */
interface DefinedSub {
  readonly clause: SubStatement;
  readonly body: readonly ScanNode[];
  readonly unit: ScriptUnit;
}

/**
 * Runs a load script the way the engine does, for the subset the simulator supports (SET/LET,
 * LOAD from files / RESIDENT / INLINE / AUTOGENERATE / SQL, preceding loads, WHERE/WHILE,
 * DISTINCT, ORDER BY, JOIN/KEEP/CONCATENATE (explicit and implicit), MAPPING + ApplyMap,
 * CROSSTABLE, QUALIFY, STORE, DROP, RENAME, COMMENT, TAG, control flow, `$(Include=…)`).
 *
 * The engine's execution model: the control structure is read first (an IF without END IF fails
 * the reload before anything runs); then each statement and each control clause is
 * dollar-expanded with the variables of that moment and parsed right before it runs, so a
 * statement in a branch that is never taken is never parsed, and a syntax error is reported when
 * its statement is reached — at the line and column where it is written, with the statement as
 * written. Anything unsupported is a ScriptError with the line — never skipped silently.
 *
 * The run is cooperative: every loop yields to the event loop every few milliseconds, so the
 * simulator keeps answering, an abort ends the run at the next yield, and the budgets in
 * `env.budgets` bound it. A failed or aborted run throws a ScriptError; nothing is returned.
 */
export async function runScript(script: string, env: ReloadEnvironment): Promise<LoadedModel> {
  return new ScriptRun(script, env).execute();
}

/** The driver: the scanned structure, control flow, CALL / EXIT / Include, statements one at a time. */
class ScriptRun {
  readonly #source: string;
  readonly #state: ScriptState;
  readonly #subs = new Map<string, DefinedSub>();
  #callDepth = 0;
  /** Statements and clauses without `$(…)` parse to the same tree every time: parsed once. */
  readonly #parsed = new WeakMap<ScannedText, Statement | ControlClause | null>();
  /** Each expanding statement's last expansion and its structure (loops often expand to the same text). */
  readonly #expansions = new WeakMap<ScannedText, { text: string; body: readonly ScanNode[] }>();

  constructor(source: string, env: ReloadEnvironment) {
    this.#source = source;
    this.#state = new ScriptState(env);
  }

  async execute(): Promise<LoadedModel> {
    const unit = new WrittenUnit(this.#source);
    try {
      await this.#block(this.#scan(this.#source, unit), unit);
    } catch (e) {
      if (e instanceof ExitLoop) throw e.outside;
      if (!(e instanceof ExitScript)) throw e;
    }
    const state = this.#state;
    return {
      tables: state.tables.map((t): DataTable => t.toData(t.name)),
      fieldComments: state.fieldComments,
      fieldTags: state.fieldTags,
      variables: state.variables,
      lineage: state.lineage,
      derivedFields: await derivedFieldSets(state),
    };
  }

  /** The control structure of a text; an unbalanced one fails before any of it runs. */
  #scan(text: string, unit: ScriptUnit): readonly ScanNode[] {
    const { body, diagnostics } = scanScript(text);
    const problem = diagnostics.find((d) => d.severity === 'error');
    if (problem) {
      const at = problem.span.start.offset;
      const lineText = text.slice(text.lastIndexOf('\n', at - 1) + 1).split(/\r?\n/)[0] ?? '';
      throw unit.error(new ExecutionError(`Syntax error: ${problem.message}`), { text: lineText, span: problem.span });
    }
    return body;
  }

  async #block(nodes: readonly ScanNode[], unit: ScriptUnit): Promise<void> {
    const { guard } = this.#state;
    for (const node of nodes) {
      try {
        guard.checkAborted();
        if (guard.due()) await guard.pause();
      } catch (error) {
        throw unit.error(error, headOf(node));
      }
      await this.#node(node, unit);
    }
  }

  async #node(node: ScanNode, unit: ScriptUnit): Promise<void> {
    switch (node.kind) {
      case 'Statement':
        return this.#statement(node, unit);
      case 'If':
        return this.#if(node, unit);
      case 'For':
        return this.#for(node, unit);
      case 'Do':
        return this.#do(node, unit);
      case 'Switch':
        return this.#switch(node, unit);
      case 'Sub': {
        // Defined when reached, as in Qlik: a CALL before its SUB does not find it.
        const clause = this.#clause(node.clause, unit, 'Sub');
        this.#subs.set(clause.name.toLowerCase(), { clause, body: node.body, unit });
        return;
      }
    }
  }

  // ── Statements ──────────────────────────────────────────────────────────────────────────────

  /** A statement: expanded (as Qlik does, right before it runs), parsed, run. */
  async #statement(leaf: ScannedStatement, unit: ScriptUnit): Promise<void> {
    if (!(unit instanceof ExpandedUnit) && leaf.text.includes('$(')) return this.#expanded(leaf, unit);
    const statement = this.#parse(leaf, unit);
    if (!statement) return;
    try {
      await this.#run(statement, leaf, unit);
    } catch (e) {
      throw this.#passOn(e) ?? unit.error(e, leaf);
    }
  }

  /**
   * A statement with `$(…)`: what it expands to is scanned and run in its place — usually one
   * statement, but a variable may hold several (or a whole block). Nothing in it is expanded again.
   */
  async #expanded(leaf: ScannedStatement, unit: ScriptUnit): Promise<void> {
    let expansion: ExpandedText;
    try {
      expansion = expandStatement(this.#state, leaf.text);
    } catch (e) {
      throw unit.error(e, leaf);
    }
    const inner = new ExpandedUnit(unit, leaf, expansion);
    let last = this.#expansions.get(leaf);
    if (last?.text !== expansion.text) {
      last = { text: expansion.text, body: this.#scan(expansion.text, inner) };
      this.#expansions.set(leaf, last);
    }
    await this.#block(last.body, inner);
  }

  #parse(leaf: ScannedStatement, unit: ScriptUnit): Statement | null {
    const cached = this.#parsed.get(leaf);
    if (cached !== undefined) return cached as Statement | null;
    const { statement, diagnostics } = parseStatement(leaf.text);
    const problem = diagnostics.find((d) => d.severity === 'error');
    if (problem) {
      const after =
        unit instanceof ExpandedUnit ? ` (after variable expansion: ${leaf.text.trim().slice(0, 200)})` : '';
      const error = new ExecutionError(`Syntax error: ${problem.message}${after}`);
      throw unit.error(error, leaf, leaf.span.start.offset + problem.span.start.offset);
    }
    this.#parsed.set(leaf, statement);
    return statement;
  }

  async #run(statement: Statement, leaf: ScannedStatement, unit: ScriptUnit): Promise<void> {
    switch (statement.kind) {
      case 'Call':
        return this.#call(statement);
      case 'Exit':
        return this.#exit(statement, leaf, unit);
      case 'Include':
        return this.#include(statement, leaf, unit);
      default: {
        if (INCLUDE_DIRECTIVE.test(leaf.text)) {
          throw new ExecutionError('$(Include=…) inside a statement is not supported by the simulator');
        }
        const { start, end } = statement.span;
        return runLeafStatement(this.#state, statement, leaf.text.slice(start.offset, end.offset), leaf.text);
      }
    }
  }

  /** `$(Include=path)` / `$(Must_Include=path)`: the file's statements run here, in this run. */
  async #include(statement: IncludeStatement, leaf: ScannedStatement, unit: ScriptUnit): Promise<void> {
    const state = this.#state;
    // The directive's own `$(…)` are not expanded with the statement (the engine reads the path whole).
    const path = state.expand(statement.path).trim();
    if (unit.includeDepth >= MAX_INCLUDE_DEPTH) {
      throw new ExecutionError(
        `Includes nested deeper than ${MAX_INCLUDE_DEPTH} (a file including itself?): '${path}'`,
      );
    }
    const text = await readIncludeFile(state, path, statement.must);
    if (text === null) return;
    const included = new WrittenUnit(text, { path, site: unit.site(leaf), depth: unit.includeDepth + 1 });
    await this.#block(this.#scan(text, included), included);
  }

  /**
   * CALL: parameters are local to the SUB (a global of the same name is untouched), and an
   * argument that is a variable gets the parameter's final value back, as Qlik documents.
   */
  async #call(statement: CallStatement): Promise<void> {
    const state = this.#state;
    const sub = this.#subs.get(statement.name.toLowerCase());
    if (!sub) throw new ExecutionError(`Unknown procedure: ${statement.name}`);
    if (this.#callDepth >= MAX_CALL_DEPTH) {
      throw new ExecutionError(`Procedure calls nested deeper than ${MAX_CALL_DEPTH}: ${statement.name}`);
    }
    const params = sub.clause.params;
    const args = statement.args;
    const values = params.map((_, i) => {
      const arg = args[i];
      return arg ? (state.evaluate(arg, state.noRow())?.text ?? '') : '';
    });
    const copyBack = params.map((_, i) => {
      const arg = args[i];
      return arg?.kind === 'FieldRef' && state.variables.has(arg.name) ? arg.name : null;
    });
    const shadowed = params.map((p) => state.variables.get(p));
    params.forEach((p, i) => {
      state.setVariable(p, values[i] ?? '');
    });
    this.#callDepth++;
    try {
      await this.#block(sub.body, sub.unit);
    } catch (e) {
      if (!(e instanceof ExitLoop && e.target === 'sub')) throw e;
    } finally {
      this.#callDepth--;
    }
    const results = params.map((p) => state.variables.get(p));
    params.forEach((p, i) => {
      const before = shadowed[i];
      if (before === undefined) state.deleteVariable(p);
      else state.setVariable(p, before);
    });
    copyBack.forEach((name, i) => {
      const result = results[i];
      if (name !== null && result !== undefined) state.setVariable(name, result);
    });
  }

  #exit(statement: ExitStatement, leaf: ScannedStatement, unit: ScriptUnit): void {
    if (statement.condition) {
      const value = truthy(this.#state.evaluate(statement.condition.expression, this.#state.noRow()));
      if (statement.condition.type === 'when' ? !value : value) return;
    }
    if (statement.target === 'script') throw new ExitScript();
    const block = statement.target.toUpperCase();
    throw new ExitLoop(statement.target, unit.error(new ExecutionError(`EXIT ${block} outside a ${block}`), leaf));
  }

  // ── Control flow ────────────────────────────────────────────────────────────────────────────

  async #if(node: ScannedIf, unit: ScriptUnit): Promise<void> {
    for (const branch of node.branches) {
      // Each clause is expanded and parsed only when reached.
      const clause = this.#clause(branch.clause, unit, 'IfBranch');
      if (truthy(this.#evaluate(clause.condition, unit, branch.clause))) return this.#block(branch.body, unit);
    }
    if (node.elseBody) await this.#block(node.elseBody, unit);
  }

  async #for(node: ScannedFor, unit: ScriptUnit): Promise<void> {
    const state = this.#state;
    const clause = this.#clause(node.clause, unit, 'For', 'ForEach');
    if (clause.kind === 'ForEach') {
      let values: string[];
      try {
        values = await this.#listValues(clause.values);
      } catch (e) {
        throw unit.error(e, node.clause);
      }
      for (const value of values) {
        await this.#iterate(unit, node.clause);
        state.setVariable(clause.variable, value);
        if (await this.#loopBody(node.body, unit, 'for')) return;
      }
      return;
    }
    const from = toNumber(this.#evaluate(clause.from, unit, node.clause));
    const to = toNumber(this.#evaluate(clause.to, unit, node.clause));
    const step = clause.step ? toNumber(this.#evaluate(clause.step, unit, node.clause)) : 1;
    if (step === 0 || Number.isNaN(from + to + step)) {
      throw unit.error(new ExecutionError('FOR needs numeric bounds and a non-zero step'), node.clause);
    }
    for (let i = from; step > 0 ? i <= to : i >= to; i += step) {
      await this.#iterate(unit, node.clause);
      state.setVariable(clause.variable, numberDual(i).text);
      if (await this.#loopBody(node.body, unit, 'for')) return;
    }
  }

  /** DO … LOOP: both clauses are expanded and parsed again each time round, as the engine reads them. */
  async #do(node: ScannedDo, unit: ScriptUnit): Promise<void> {
    for (;;) {
      await this.#iterate(unit, node.clause);
      const head = this.#clause(node.clause, unit, 'DoLoop');
      if (head.condition && !this.#holds(head.condition, unit, node.clause)) return;
      if (await this.#loopBody(node.body, unit, 'do')) return;
      if (node.loop) {
        const tail = this.#clause(node.loop, unit, 'DoLoop');
        if (tail.loopCondition && !this.#holds(tail.loopCondition, unit, node.loop)) return;
      }
    }
  }

  async #switch(node: ScannedSwitch, unit: ScriptUnit): Promise<void> {
    const head = this.#clause(node.clause, unit, 'Switch');
    const value = this.#evaluate(head.expression, unit, node.clause);
    for (const c of node.cases) {
      const clause = this.#clause(c.clause, unit, 'SwitchCase');
      if (clause.values.some((v) => equalCells(this.#evaluate(v, unit, c.clause), value))) {
        return this.#block(c.body, unit);
      }
    }
    if (node.defaultBody) await this.#block(node.defaultBody, unit);
  }

  /** Runs a loop body; true when an EXIT DO/FOR ended the loop. */
  async #loopBody(body: readonly ScanNode[], unit: ScriptUnit, target: 'do' | 'for'): Promise<boolean> {
    try {
      await this.#block(body, unit);
      return false;
    } catch (e) {
      if (e instanceof ExitLoop && e.target === target) return true;
      throw e;
    }
  }

  /** The values of FOR EACH: FileList(mask), FieldValueList(field), or expressions. */
  async #listValues(expressions: readonly Expression[]): Promise<string[]> {
    const state = this.#state;
    const values: string[] = [];
    for (const expression of expressions) {
      const name = expression.kind === 'FunctionCall' ? expression.name.toLowerCase() : '';
      const arg = expression.kind === 'FunctionCall' ? expression.args[0] : undefined;
      if (name === 'filelist' && arg) {
        values.push(...(await state.folder.list(state.evaluate(arg, state.noRow())?.text ?? '')));
      } else if (name === 'fieldvaluelist' && arg) {
        values.push(...(await this.#fieldValues(state.evaluate(arg, state.noRow())?.text ?? '')));
      } else values.push(state.evaluate(expression, state.noRow())?.text ?? '');
    }
    return values;
  }

  async #fieldValues(field: string): Promise<string[]> {
    const state = this.#state;
    const values = new Set<string>();
    for (const table of state.tables) {
      const i = table.fields.indexOf(field);
      if (i < 0) continue;
      for (let r = 0; r < table.rowCount; r++) {
        const cell = table.cell(r, i);
        if (cell) values.add(cell.text);
        if (state.guard.due()) await state.guard.pause();
      }
    }
    return [...values];
  }

  // ── Clauses and evaluation ──────────────────────────────────────────────────────────────────

  /** A control clause, expanded and parsed now; a syntax error is reported where it is written. */
  #clause<K extends ControlClause['kind']>(
    scanned: ScannedText,
    unit: ScriptUnit,
    ...kinds: K[]
  ): Extract<ControlClause, { kind: K }> {
    let clause = this.#parsed.get(scanned) as ControlClause | undefined;
    if (clause === undefined) {
      const expanding = !(unit instanceof ExpandedUnit) && scanned.text.includes('$(');
      let expansion: ExpandedText = { text: scanned.text, origin: (offset) => offset };
      try {
        if (expanding) expansion = expandStatement(this.#state, scanned.text);
      } catch (e) {
        throw unit.error(e, scanned);
      }
      const parsed = parseClause(expansion.text);
      const problem = parsed.diagnostics.find((d) => d.severity === 'error');
      if (problem || !parsed.clause) {
        const after = expanding ? ` (after variable expansion: ${expansion.text.trim().slice(0, 200)})` : '';
        const error = new ExecutionError(`Syntax error: ${problem?.message ?? 'not a control statement'}${after}`);
        const offset = scanned.span.start.offset + expansion.origin(problem?.span.start.offset ?? 0);
        throw unit.error(error, scanned, offset);
      }
      clause = parsed.clause;
      if (!expanding) this.#parsed.set(scanned, clause);
    }
    if (!(kinds as string[]).includes(clause.kind)) {
      throw unit.error(new ExecutionError(`Unexpected control statement: ${scanned.text.trim()}`), scanned);
    }
    return clause as Extract<ControlClause, { kind: K }>;
  }

  #evaluate(expression: Expression, unit: ScriptUnit, at: ScannedText): Cell {
    try {
      return this.#state.evaluate(expression, this.#state.noRow());
    } catch (e) {
      throw unit.error(e, at);
    }
  }

  #holds(condition: LoopCondition, unit: ScriptUnit, at: ScannedText): boolean {
    const value = truthy(this.#evaluate(condition.expression, unit, at));
    return condition.type === 'while' ? value : !value;
  }

  /** One more loop iteration: counted against the budget, and a chance to yield (a loop may be empty). */
  async #iterate(unit: ScriptUnit, at: ScannedText): Promise<void> {
    const { guard } = this.#state;
    try {
      guard.iterate();
      if (guard.due()) await guard.pause();
    } catch (e) {
      throw unit.error(e, at);
    }
  }

  /** Errors that travel on unchanged: positioned already, or EXIT. */
  #passOn(e: unknown): Error | null {
    return e instanceof ScriptError || e instanceof ExitScript || e instanceof ExitLoop ? e : null;
  }
}

/** What names a node in errors: a statement itself, a block its first clause. */
function headOf(node: ScanNode): ScannedText {
  if (node.kind === 'Statement') return node;
  if (node.kind === 'If') return node.branches[0]?.clause ?? { text: '', span: node.span };
  return node.clause;
}
