import { qualifyRule, type Statement } from '@qixflow/script';
import { runDeclare, runDerive } from './derive-fields.js';
import { runLoad } from './load-statement.js';
import { runBinary } from './run-binary.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';
import { toNumber } from './script-values.js';
import { runDrop, runRename, runStore, runTag } from './table-statements.js';

/**
 * Runs one leaf statement — anything that is not control flow — already dollar-expanded and
 * parsed. `text` is the statement's own (expanded) text, `source` the text its spans point into.
 * This is the one place a new statement kind is added: a `case` in the switch below. A kind the
 * simulator does not run is an ExecutionError naming it, never skipped.
 */
export async function runLeafStatement(
  state: ScriptState,
  node: Statement,
  text: string,
  source: string,
): Promise<void> {
  if (node.kind === 'Tab' || node.kind === 'Comment') return;
  const first = state.statementsRun++ === 0;
  switch (node.kind) {
    case 'Binary':
      return runBinary(state, node, text, first);
    case 'Set':
      state.setVariable(node.name, node.value);
      return;
    case 'Let': {
      const value = node.expression ? state.scalar(node.expression, source) : undefined;
      // A NULL result removes the variable (Qlik's `LET v = Null();`), so IsNull(v) holds after it.
      if (value === null) state.setNullVariable(node.name);
      else state.setVariable(node.name, value?.text ?? '');
      return;
    }
    case 'LoadStatement':
      return runLoad(state, node, text);
    case 'Connect':
      state.connection = state.folder.connection(node.target);
      return;
    case 'Disconnect':
      state.connection = undefined;
      return;
    case 'Store':
      return runStore(state, node, text);
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
      return runTag(state, node);
    case 'Declare':
      return runDeclare(state, node, source);
    case 'Derive':
      return runDerive(state, node);
    case 'Trace':
      state.env.onProgress?.(node.text);
      return;
    case 'Sleep':
      return sleep(state, toNumber(state.scalar(node.duration, source)));
    case 'Directory':
      return;
    case 'Section':
      state.section = node.section;
      return;
    default:
      throw new ExecutionError(
        `Statement not supported by the simulator: ${text.trim().split(/\s+/).slice(0, 3).join(' ')}`,
      );
  }
}

/** QUALIFY / UNQUALIFY: which field names later LOADs prefix with their table's name. */
function qualify(state: ScriptState, node: Extract<Statement, { kind: 'Qualify' | 'Unqualify' }>): void {
  state.qualify.push(qualifyRule(node));
}

/** `SLEEP n`: waits n milliseconds (at most an hour, as Qlik caps it), in slices an abort ends at once. */
async function sleep(state: ScriptState, ms: number | null): Promise<void> {
  const until = performance.now() + Math.min(Math.max(0, ms ?? 0), 3_600_000);
  for (let left = until - performance.now(); left > 0; left = until - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 50)));
    await state.guard.pause();
  }
}
