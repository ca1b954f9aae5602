import { type Expression, parseScript, type Statement } from '@qixflow/script';
import { type DataTable, type LoadedModel, numberDual } from '../data/loaded-model.js';
import { runLoad } from './load-statement.js';
import type { ReloadEnvironment } from './reload-environment.js';
import { BudgetExceeded, ExecutionError, ScriptError } from './script-error.js';
import { ScriptState } from './script-state.js';
import { equalCells, toNumber, truthy } from './script-values.js';
import { runDrop, runRename, runStore } from './table-statements.js';

export type { EvaluateRow, ReloadConnection, ReloadEnvironment, RowScope } from './reload-environment.js';

type Sub = Extract<Statement, { kind: 'Sub' }>;

/**
 * Deepest CALL nesting. A procedure calling itself would otherwise recurse until the stack
 * overflows (which V8 reports inside promise callbacks, outside any catch).
 */
const MAX_CALL_DEPTH = 256;
type Where = { line: number; column: number; statement: string };

class ExitScript extends Error {}
class ExitLoop extends Error {
  constructor(readonly target: 'do' | 'for' | 'sub') {
    super(target);
  }
}

/**
 * Runs a load script the way the engine does, for the subset the simulator supports (SET/LET,
 * LOAD from files / RESIDENT / INLINE / AUTOGENERATE / SQL, preceding loads, WHERE/WHILE,
 * DISTINCT, ORDER BY, JOIN/KEEP/CONCATENATE (explicit and implicit), MAPPING + ApplyMap,
 * CROSSTABLE, QUALIFY, STORE, DROP, RENAME, COMMENT, TAG, control flow). `$(…)` is expanded in each
 * statement's text right before it runs, as Qlik does. Anything unsupported is a ScriptError with
 * the line — never skipped silently.
 *
 * The run is cooperative: every loop yields to the event loop every few milliseconds, so the
 * simulator keeps answering, an abort ends the run at the next yield, and the budgets in
 * `env.budgets` bound it. A failed or aborted run throws a ScriptError; nothing is returned.
 */
export async function runScript(script: string, env: ReloadEnvironment): Promise<LoadedModel> {
  return new ScriptRun(script, env).execute();
}

/** The driver: statements one at a time, control flow, and errors with their position. */
class ScriptRun {
  readonly #source: string;
  readonly #state: ScriptState;
  readonly #subs = new Map<string, Sub>();
  #callDepth = 0;

  constructor(source: string, env: ReloadEnvironment) {
    this.#source = source;
    this.#state = new ScriptState(env);
  }

  async execute(): Promise<LoadedModel> {
    const parsed = parseScript(this.#source);
    const error = parsed.diagnostics.find((d) => d.severity === 'error');
    if (error) {
      throw new ScriptError(`Syntax error: ${error.message}`, {
        line: error.span.start.line,
        column: error.span.start.column,
        statement: lineOf(this.#source, error.span.start.line),
      });
    }
    try {
      await this.#block(parsed.ast.body, this.#source);
    } catch (e) {
      if (!(e instanceof ExitScript)) throw e;
    }
    const state = this.#state;
    return {
      tables: state.tables.map((t): DataTable => ({ name: t.name, fields: t.fields, rows: t.rows })),
      fieldComments: state.fieldComments,
      fieldTags: state.fieldTags,
      variables: state.variables,
      lineage: state.lineage,
    };
  }

  async #block(statements: readonly Statement[], source: string): Promise<void> {
    const { guard } = this.#state;
    for (const statement of statements) {
      try {
        guard.checkAborted();
        if (guard.due()) await guard.pause();
      } catch (error) {
        throw positioned(error, position(statement, source));
      }
      await this.#statement(statement, source);
    }
  }

  async #statement(statement: Statement, source: string): Promise<void> {
    try {
      if (!(await this.#control(statement, source))) {
        const text = source.slice(statement.span.start.offset, statement.span.end.offset);
        await this.#leaf(statement, text, source);
      }
    } catch (error) {
      if (error instanceof ScriptError || error instanceof ExitScript || error instanceof ExitLoop) throw error;
      throw positioned(error, position(statement, source));
    }
  }

  /** Runs a control statement; false when `statement` is not one. */
  async #control(statement: Statement, source: string): Promise<boolean> {
    const state = this.#state;
    switch (statement.kind) {
      case 'Tab':
      case 'Comment':
        return true;
      case 'If': {
        const branch = statement.branches.find((b) => truthy(state.scalar(b.condition, source)));
        const body = branch ? branch.body : statement.elseBody;
        if (body) await this.#block(body, source);
        return true;
      }
      case 'For':
        await this.#for(statement, source);
        return true;
      case 'ForEach': {
        const values: string[] = [];
        for (const expr of statement.values) values.push(...(await this.#listValues(expr, source)));
        for (const value of values) {
          state.guard.iterate();
          state.setVariable(statement.variable, value);
          if (await this.#loopBody(statement.body, source, 'for')) break;
        }
        return true;
      }
      case 'DoLoop':
        for (;;) {
          state.guard.iterate();
          if (statement.condition && !this.#loopCondition(statement.condition, source)) return true;
          if (await this.#loopBody(statement.body, source, 'do')) return true;
          if (statement.loopCondition && !this.#loopCondition(statement.loopCondition, source)) return true;
          if (state.guard.due()) await state.guard.pause();
        }
      case 'Switch': {
        const value = state.scalar(statement.expression, source);
        const match = statement.cases.find((c) => c.values.some((v) => equalCells(state.scalar(v, source), value)));
        const body = match ? match.body : statement.defaultBody;
        if (body) await this.#block(body, source);
        return true;
      }
      case 'Sub':
        this.#subs.set(statement.name.toLowerCase(), statement);
        return true;
      case 'Call':
        await this.#call(statement, source);
        return true;
      case 'Exit': {
        if (statement.condition) {
          const value = truthy(state.scalar(statement.condition.expression, source));
          if (statement.condition.type === 'when' ? !value : value) return true;
        }
        if (statement.target === 'script') throw new ExitScript();
        throw new ExitLoop(statement.target);
      }
      default:
        return false;
    }
  }

  async #for(statement: Extract<Statement, { kind: 'For' }>, source: string): Promise<void> {
    const state = this.#state;
    const from = toNumber(state.scalar(statement.from, source));
    const to = toNumber(state.scalar(statement.to, source));
    const step = statement.step ? toNumber(state.scalar(statement.step, source)) : 1;
    if (step === 0 || Number.isNaN(from + to + step))
      throw new ExecutionError('FOR needs numeric bounds and a non-zero step');
    for (let i = from; step > 0 ? i <= to : i >= to; i += step) {
      state.guard.iterate();
      state.setVariable(statement.variable, numberDual(i).text);
      if (await this.#loopBody(statement.body, source, 'for')) break;
      if (state.guard.due()) await state.guard.pause();
    }
  }

  async #call(statement: Extract<Statement, { kind: 'Call' }>, source: string): Promise<void> {
    const state = this.#state;
    const sub = this.#subs.get(statement.name.toLowerCase());
    if (!sub) throw new ExecutionError(`Unknown procedure: ${statement.name}`);
    sub.params.forEach((param, i) => {
      const arg = statement.args[i];
      state.setVariable(param, arg ? (state.scalar(arg, source)?.text ?? '') : '');
    });
    if (this.#callDepth >= MAX_CALL_DEPTH) {
      throw new ExecutionError(`Procedure calls nested deeper than ${MAX_CALL_DEPTH}: ${statement.name}`);
    }
    this.#callDepth++;
    try {
      await this.#block(sub.body, source);
    } catch (e) {
      if (!(e instanceof ExitLoop && e.target === 'sub')) throw e;
    } finally {
      this.#callDepth--;
    }
  }

  /** Runs a loop body; true when an EXIT DO/FOR ended the loop. */
  async #loopBody(body: readonly Statement[], source: string, target: 'do' | 'for'): Promise<boolean> {
    try {
      await this.#block(body, source);
      return false;
    } catch (e) {
      if (e instanceof ExitLoop && e.target === target) return true;
      throw e;
    }
  }

  #loopCondition(condition: { type: 'while' | 'until'; expression: Expression }, source: string): boolean {
    const value = truthy(this.#state.scalar(condition.expression, source));
    return condition.type === 'while' ? value : !value;
  }

  /** The values of FOR EACH: FileList(mask), FieldValueList(field), or an expression. */
  async #listValues(expression: Expression, source: string): Promise<string[]> {
    const state = this.#state;
    const name = expression.kind === 'FunctionCall' ? expression.name.toLowerCase() : '';
    if (expression.kind === 'FunctionCall' && name === 'filelist') {
      return state.folder.list(state.scalar(expression.args[0] as Expression, source)?.text ?? '');
    }
    if (expression.kind === 'FunctionCall' && name === 'fieldvaluelist') {
      const field = state.scalar(expression.args[0] as Expression, source)?.text ?? '';
      const values = new Set<string>();
      for (const table of state.tables) {
        const i = table.fields.indexOf(field);
        if (i < 0) continue;
        for (const row of table.rows) {
          const cell = row[i];
          if (cell) values.add(cell.text);
          if (state.guard.due()) await state.guard.pause();
        }
      }
      return [...values];
    }
    return [state.scalar(expression, source)?.text ?? ''];
  }

  /** A simple statement: expand `$(…)` in its text (as Qlik does, right before it runs), then run it. */
  async #leaf(statement: Statement, text: string, source: string): Promise<void> {
    let node = statement;
    let nodeSource = source;
    if (text.includes('$(')) {
      const expanded = this.#state.expand(text);
      const reparsed = parseScript(expanded);
      const problem = reparsed.diagnostics.find((d) => d.severity === 'error');
      if (problem)
        throw new ExecutionError(
          `Syntax error after variable expansion: ${problem.message} (${expanded.trim().slice(0, 80)})`,
        );
      const first = reparsed.ast.body.find((s) => s.kind !== 'Comment' && s.kind !== 'Tab');
      if (!first) return;
      node = first;
      nodeSource = expanded;
    }
    await this.#simple(node, nodeSource.slice(node.span.start.offset, node.span.end.offset), nodeSource);
  }

  async #simple(node: Statement, nodeText: string, nodeSource: string): Promise<void> {
    const state = this.#state;
    switch (node.kind) {
      case 'Set':
        state.setVariable(node.name, node.value);
        return;
      case 'Let':
        state.setVariable(node.name, node.expression ? (state.scalar(node.expression, nodeSource)?.text ?? '') : '');
        return;
      case 'LoadStatement':
        return runLoad(state, node, nodeText);
      case 'Connect':
        state.connection = state.folder.connection(node.target);
        return;
      case 'Disconnect':
        state.connection = undefined;
        return;
      case 'Store':
        return runStore(state, node, nodeText);
      case 'Drop':
        return runDrop(state, node);
      case 'Rename':
        return runRename(state, node);
      case 'Qualify':
      case 'Unqualify':
        return qualify(state, node);
      case 'CommentStatement':
        if (node.target === 'field' && node.comment !== null)
          for (const n of node.names) state.fieldComments.set(n, node.comment);
        return;
      case 'Tag':
        for (const n of node.names) {
          const current = state.fieldTags.get(n) ?? [];
          const tags = node.untag
            ? current.filter((t) => !node.tags.includes(t))
            : [...new Set([...current, ...node.tags])];
          state.fieldTags.set(n, tags);
        }
        return;
      case 'Trace':
        state.env.onProgress?.(node.text);
        return;
      case 'Sleep':
      case 'Directory':
        return;
      case 'Section':
        if (node.section === 'access') throw new ExecutionError('Section Access is not supported by the simulator');
        return;
      default:
        throw new ExecutionError(
          `Statement not supported by the simulator: ${nodeText.trim().split(/\s+/).slice(0, 3).join(' ')}`,
        );
    }
  }
}

/** QUALIFY / UNQUALIFY: which field names later LOADs prefix with their table's name. */
function qualify(state: ScriptState, node: Extract<Statement, { kind: 'Qualify' | 'Unqualify' }>): void {
  for (const f of node.fields) {
    if (f === '*') {
      state.qualified = { all: node.kind === 'Qualify', fields: new Set(), except: new Set() };
    } else if (node.kind === 'Qualify') {
      state.qualified.fields.add(f);
    } else {
      state.qualified.fields.delete(f);
      state.qualified.except.add(f);
    }
  }
}

/** Turns an executor error into the engine's script error at `where` (budgets also name the line). */
function positioned(error: unknown, where: Where): ScriptError {
  if (error instanceof ScriptError) return error;
  if (error instanceof BudgetExceeded) return new ScriptError(`${error.message} at line ${where.line}`, where);
  const message =
    error instanceof ExecutionError
      ? error.message
      : `Internal error: ${withoutHostPaths(String((error as Error)?.message))}`;
  return new ScriptError(message, where);
}

/**
 * An unexpected error (a bug, or an fs error nobody caught) may quote an absolute host path;
 * script errors reach any engine client, so such paths are cut out.
 */
function withoutHostPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?[\\/](?:[^\s'"\\/]+[\\/])+[^\s'"]*/g, '<path>');
}

function position(statement: Statement, source: string): Where {
  return {
    line: statement.span.start.line,
    column: statement.span.start.column,
    statement: source.slice(statement.span.start.offset, statement.span.end.offset).trim().slice(0, 400),
  };
}

function lineOf(source: string, line: number): string {
  return source.split(/\r?\n/)[line - 1] ?? '';
}
