import type { Expression } from '@qixflow/script';
import type { ScriptState } from './script-state.js';

/**
 * The values FOR EACH goes through, in order: `FileList(mask)` the files a mask matches,
 * `FieldValueList(field)` a field's distinct values over the script's tables (in load order),
 * any other expression its value.
 */
export async function forEachValues(state: ScriptState, expressions: readonly Expression[]): Promise<string[]> {
  const values: string[] = [];
  for (const expression of expressions) {
    const name = expression.kind === 'FunctionCall' ? expression.name.toLowerCase() : '';
    const arg = expression.kind === 'FunctionCall' ? expression.args[0] : undefined;
    if (name === 'filelist' && arg) {
      values.push(...(await state.folder.list(state.evaluate(arg, state.noRow())?.text ?? '')));
    } else if (name === 'fieldvaluelist' && arg) {
      values.push(...(await fieldValues(state, state.evaluate(arg, state.noRow())?.text ?? '')));
    } else values.push(state.evaluate(expression, state.noRow())?.text ?? '');
  }
  return values;
}

async function fieldValues(state: ScriptState, field: string): Promise<string[]> {
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
