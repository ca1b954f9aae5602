import type {
  CallStatement,
  ExitStatement,
  Expression,
  IncludeStatement,
  LoopCondition,
  ScanNode,
  ScannedDo,
  ScannedFor,
  ScannedIf,
  ScannedStatement,
  ScannedSwitch,
  ScannedText,
  Statement,
  SubStatement,
} from '@qixflow/script';
import { type Cell, type DataTable, type LoadedModel, numberDual } from '../data/model/loaded-model.js';
import { derivedFieldSets } from './derive-fields.js';
import { forEachValues } from './for-each-values.js';
import { readIncludeFile } from './read-include-file.js';
import type { ReloadEnvironment } from './reload-environment.js';
import { runLeafStatement } from './run-leaf-statement.js';
import { ExecutionError, ScriptError } from './script-error.js';
import { ScriptState } from './script-state.js';
import { type ScriptUnit, WrittenUnit } from './script-unit.js';
import { equalCells, toNumber, truthy } from './script-values.js';
import { sectionAccessOf } from './section-access.js';
import { StatementReader } from './statement-reader.js';

export type { ReloadEnvironment } from './reload-environment.js';

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
  readonly #reader: StatementReader;

  constructor(source: string, env: ReloadEnvironment) {
    this.#source = source;
    this.#state = new ScriptState(env);
    this.#reader = new StatementReader(this.#state);
  }

  async execute(): Promise<LoadedModel> {
    const unit = new WrittenUnit(this.#source);
    try {
      await this.#block(this.#reader.structure(this.#source, unit), unit);
    } catch (e) {
      if (e instanceof ExitLoop) throw e.outside;
      if (!(e instanceof ExitScript)) throw e;
    }
    const state = this.#state;
    return {
      tables: state.tables.filter((t) => !state.accessTables.has(t)).map((t): DataTable => t.toData(t.name)),
      ...sectionAccessOf(state),
      fieldComments: state.fieldComments,
      fieldTags: state.fieldTags,
      variables: state.variables,
      lineage: state.lineage,
      derivedFields: await derivedFieldSets(state),
    };
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
    // A control statement counts as a statement run (BINARY after an IF is not the first).
    if (node.kind !== 'Statement') this.#state.statementsRun++;
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
        const clause = this.#reader.clause(node.clause, unit, 'Sub');
        this.#subs.set(clause.name.toLowerCase(), { clause, body: node.body, unit });
        return;
      }
    }
  }

  // ── Statements ──────────────────────────────────────────────────────────────────────────────

  /** A statement: expanded (as Qlik does, right before it runs), parsed, run. */
  async #statement(leaf: ScannedStatement, unit: ScriptUnit): Promise<void> {
    if (this.#reader.expands(leaf, unit)) {
      // What it expands to runs in its place; nothing in it is expanded again.
      const expanded = this.#reader.expand(leaf, unit);
      return this.#block(expanded.body, expanded.unit);
    }
    const statement = this.#reader.statement(leaf, unit);
    if (!statement) return;
    try {
      await this.#run(statement, leaf, unit);
    } catch (e) {
      throw this.#passOn(e) ?? unit.error(e, leaf);
    }
  }

  async #run(statement: Statement, leaf: ScannedStatement, unit: ScriptUnit): Promise<void> {
    // CALL and EXIT count as statements run; an Include does not (its statements count themselves).
    if (statement.kind === 'Call' || statement.kind === 'Exit') this.#state.statementsRun++;
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
    await this.#block(this.#reader.structure(text, included), included);
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
      const clause = this.#reader.clause(branch.clause, unit, 'IfBranch');
      if (truthy(this.#evaluate(clause.condition, unit, branch.clause))) return this.#block(branch.body, unit);
    }
    if (node.elseBody) await this.#block(node.elseBody, unit);
  }

  async #for(node: ScannedFor, unit: ScriptUnit): Promise<void> {
    const state = this.#state;
    const clause = this.#reader.clause(node.clause, unit, 'For', 'ForEach');
    if (clause.kind === 'ForEach') {
      let values: string[];
      try {
        values = await forEachValues(state, clause.values);
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
      const head = this.#reader.clause(node.clause, unit, 'DoLoop');
      if (head.condition && !this.#holds(head.condition, unit, node.clause)) return;
      if (await this.#loopBody(node.body, unit, 'do')) return;
      if (node.loop) {
        const tail = this.#reader.clause(node.loop, unit, 'DoLoop');
        if (tail.loopCondition && !this.#holds(tail.loopCondition, unit, node.loop)) return;
      }
    }
  }

  async #switch(node: ScannedSwitch, unit: ScriptUnit): Promise<void> {
    const head = this.#reader.clause(node.clause, unit, 'Switch');
    const value = this.#evaluate(head.expression, unit, node.clause);
    for (const c of node.cases) {
      const clause = this.#reader.clause(c.clause, unit, 'SwitchCase');
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

  // ── Evaluation ──────────────────────────────────────────────────────────────────────────────

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
