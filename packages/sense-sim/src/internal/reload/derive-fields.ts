import type { DeclareStatement, DeriveStatement } from '@qixflow/script';
import { formatSettings } from '../data/formats/format-settings.js';
import { fieldKind, fieldTags } from '../data/model/field-tags.js';
import type { Cell, DerivedFieldSet, Dual } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import type { FieldDefinition } from './field-definition.js';
import { ExecutionError, ScriptError } from './script-error.js';
import type { ScriptState } from './script-state.js';

/** Where errors of the derivation at the end of the script are reported (after the last statement). */
const AFTER_SCRIPT = { line: 0, column: 0, statement: '' };

/** The name that stands for the data field's value in a definition's expressions. */
const VALUE = '$1';

/**
 * `name: DECLARE FIELD DEFINITION …`: keeps the definition (its parameters computed now). The
 * reuse form `… USING existing WITH p = v` copies an earlier definition with new parameter values.
 */
export function runDeclare(state: ScriptState, node: DeclareStatement, source: string): void {
  if (node.name === null) {
    throw new ExecutionError(
      'DECLARE FIELD DEFINITION needs a name, written as a label before it (Calendar: DECLARE …)',
    );
  }
  const parameters = new Map<string, Cell>();
  let base: FieldDefinition | undefined;
  if (node.using !== null) {
    base = state.fieldDefinitions.get(node.using);
    if (!base) throw new ExecutionError(`Field definition '${node.using}' not found`);
    for (const [name, value] of base.parameters) parameters.set(name, value);
  }
  for (const parameter of node.parameters) {
    if (base && !base.parameters.has(parameter.name)) {
      throw new ExecutionError(`Field definition '${base.name}' has no parameter '${parameter.name}'`);
    }
    parameters.set(parameter.name, state.scalar(parameter.value, source));
  }
  state.fieldDefinitions.set(node.name, {
    name: node.name,
    tags: base ? base.tags : node.tags,
    parameters,
    fields: base ? base.fields : node.fields,
  });
}

/**
 * `DERIVE FIELDS FROM …  USING definition`: which data fields get the definition's fields — the
 * ones named, or those carrying one of the given tags (EXPLICIT) or of the definition's own tags
 * (IMPLICIT), as the fields are now — and their values, computed now so that an expression the
 * simulator cannot evaluate fails at this line. A named field that does not exist is an error.
 * {@link derivedFieldSets} brings them up to date with the fields' values at the end of the script.
 */
export async function runDerive(state: ScriptState, node: DeriveStatement): Promise<void> {
  const definition = state.fieldDefinitions.get(node.definition);
  if (!definition) throw new ExecutionError(`Field definition '${node.definition}' not found`);
  let fields: string[];
  if (node.from === 'fields') {
    for (const field of node.fields) {
      if (!state.tables.some((t) => t.fields.includes(field))) throw new ExecutionError(`Field '${field}' not found`);
    }
    fields = [...node.fields];
  } else {
    const wanted = new Set(node.from === 'explicit-tags' ? node.tags : definition.tags);
    fields = dataFields(state).filter((field) => tagsOf(state, field).some((tag) => wanted.has(tag)));
  }
  for (const field of fields) {
    const values = state.functions.fieldValues(field);
    const rows = await deriveRows(state, definition, values);
    const at = state.derivations.findIndex((d) => d.field === field && d.definition.name === definition.name);
    if (at >= 0) state.derivations.splice(at, 1);
    state.derivations.push({ field, definition, values, rows });
  }
}

/** The script's data fields, in load order, each once. */
function dataFields(state: ScriptState): string[] {
  return [...new Set(state.tables.flatMap((t) => t.fields))];
}

/**
 * The tags a field has at this point of the script: the engine's own (`$numeric`, `$date`, `$key`
 * … from its values, as the data model will give them) and the script's (TAG FIELD).
 */
function tagsOf(state: ScriptState, field: string): string[] {
  const settings = formatSettings((name) => state.variables.get(name));
  const values = state.functions.fieldValues(field);
  return fieldTags(
    {
      values,
      isKey: state.tables.filter((t) => t.fields.includes(field)).length > 1,
      isSystem: false,
      isHidden: false,
      userTags: state.fieldTags.get(field) ?? [],
      settings,
    },
    fieldKind(values, settings),
  );
}

/** A row per value: the value, then each of the definition's expressions with `$1` (and the parameters) bound. */
async function deriveRows(state: ScriptState, definition: FieldDefinition, values: readonly Dual[]): Promise<Cell[][]> {
  const { guard } = state;
  const names = [VALUE, ...definition.parameters.keys()];
  const records = new ColumnTable(names);
  const scope = state.recordScope(records);
  const record: Cell[] = [null, ...definition.parameters.values()];
  const rows: Cell[][] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? null;
    record[0] = value;
    records.pushRow(record);
    scope.at(i, i + 1, i + 1, 1);
    const row: Cell[] = [value];
    for (const derived of definition.fields) row.push(state.evaluate(derived.expression, scope));
    rows.push(row);
    if (guard.due()) await guard.pause();
  }
  return rows;
}

/**
 * The derived fields of every DERIVE as the script leaves them (for the loaded model): a data
 * field that got values after its DERIVE is derived again over all of them; one gone by the end
 * (dropped) derives nothing. Errors here come after the last statement and are reported so.
 */
export async function derivedFieldSets(state: ScriptState): Promise<DerivedFieldSet[]> {
  const sets: DerivedFieldSet[] = [];
  try {
    for (const { field, definition, values, rows } of state.derivations) {
      if (!state.tables.some((t) => t.fields.includes(field))) continue;
      const now = state.functions.fieldValues(field);
      const same = now.length === values.length && now.every((v, i) => v === values[i]);
      sets.push({
        source: field,
        definition: definition.name,
        tags: definition.tags,
        fields: definition.fields.map((f) => ({
          name: `${field}.${definition.name}.${f.name}`,
          method: f.name,
          tags: f.tags,
        })),
        rows: same ? rows : await deriveRows(state, definition, now),
      });
    }
  } catch (error) {
    if (error instanceof ScriptError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ScriptError(`${message} (deriving fields at the end of the script)`, AFTER_SCRIPT);
  }
  return sets;
}
