import { fileFormatOptions, type Statement } from '@qixflow/script';
import type { Cell } from '../data/model/loaded-model.js';
import { fieldName } from './load-projection.js';
import { serializedChunks } from './read-data-file.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';

/** Bytes gathered before each write of a STORE (few syscalls, bounded memory). */
const WRITE_CHUNK = 1 << 20;

/** STORE table INTO lib://…: writes the simulator's QVD (JSON) or delimited text inside the data folder. */
export async function runStore(
  state: ScriptState,
  statement: Extract<Statement, { kind: 'Store' }>,
  text: string,
): Promise<void> {
  const table = state.table(statement.table);
  let fields = table.fields;
  let indexes = fields.map((_, i) => i);
  if (statement.fields && !statement.fields.some((f) => f.kind === 'LoadStar')) {
    const wanted = statement.fields.map((f) => (f.kind === 'LoadField' ? fieldName(f) : ''));
    indexes = wanted.map((w) => {
      const i = table.fields.indexOf(w);
      if (i < 0) throw new ExecutionError(`Field '${w}' not found in table ${table.name}`);
      return i;
    });
    fields = wanted;
  }
  // Streamed from the columns: one row array at a time, never the whole table as rows.
  const rowCount = table.rowCount;
  function* rows(): Generator<readonly Cell[]> {
    const row: Cell[] = new Array(indexes.length);
    for (let r = 0; r < rowCount; r++) {
      for (let c = 0; c < indexes.length; c++) row[c] = table.cell(r, indexes[c] as number);
      yield row;
    }
  }
  const options = statement.format ? fileFormatOptions(statement.format) : { fileType: null };
  const type = options.fileType === 'txt' || options.fileType === 'csv' ? 'txt' : 'qvd';
  const file = await state.folder.openForWrite(statement.path);
  try {
    let pending: string[] = [];
    let size = 0;
    for (const chunk of serializedChunks(table.name, fields, rows(), type)) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= WRITE_CHUNK) {
        await file.write(pending.join(''));
        pending = [];
        size = 0;
      }
      if (state.guard.due()) await state.guard.pause();
    }
    await file.write(pending.join(''));
  } catch (error) {
    if (error instanceof ExecutionError) throw error;
    throw new ExecutionError(`Cannot write file '${statement.path}' (${(error as { code?: string }).code ?? 'error'})`);
  } finally {
    await file.close();
  }
  state.lineage.push({ qDiscriminator: `{STORE - [${statement.path}] (${type})};`, qStatement: text.trim() });
  state.env.onProgress?.(`${table.name} stored into ${statement.path}`);
}

/** DROP TABLE(S) / DROP FIELD(S) [FROM …]. A dropped field's column goes with it. */
export async function runDrop(state: ScriptState, statement: Extract<Statement, { kind: 'Drop' }>): Promise<void> {
  if (statement.target === 'table') {
    for (const name of statement.names) {
      const table = state.table(name);
      state.tables.splice(state.tables.indexOf(table), 1);
      if (state.lastTable === table) state.lastTable = state.tables[state.tables.length - 1];
    }
    return;
  }
  const tables = statement.from.length > 0 ? statement.from.map((n) => state.table(n)) : state.tables;
  for (const field of statement.names) {
    let found = false;
    for (const table of tables) {
      const i = table.fields.indexOf(field);
      if (i < 0) continue;
      found = true;
      table.dropField(i);
      if (state.guard.due()) await state.guard.pause();
    }
    if (!found) throw new ExecutionError(`Field '${field}' not found`);
  }
}

/** RENAME TABLE/FIELD a TO b (or USING a mapping table). */
export function runRename(state: ScriptState, statement: Extract<Statement, { kind: 'Rename' }>): void {
  let pairs = statement.pairs.map((p) => ({ from: p.from, to: p.to }));
  if (statement.using) {
    const map = state.mappings.get(statement.using);
    if (!map) throw new ExecutionError(`Mapping table '${statement.using}' not found`);
    pairs = [...map.entries()].map(([from, to]) => ({ from, to: to?.text ?? from }));
  }
  for (const { from, to } of pairs) {
    if (statement.target === 'table') {
      const table = state.tables.find((t) => t.name === from);
      if (!table) {
        if (statement.using) continue;
        throw new ExecutionError(`Table '${from}' not found`);
      }
      table.name = to;
    } else {
      let found = false;
      for (const table of state.tables) {
        const i = table.fields.indexOf(from);
        if (i >= 0) {
          table.fields[i] = to;
          found = true;
        }
      }
      if (!found && !statement.using) throw new ExecutionError(`Field '${from}' not found`);
    }
  }
}

/**
 * TAG / UNTAG FIELD(S) names WITH tags, or TAG / UNTAG FIELDS USING a mapping table of field name
 * → tag (each row tags one field; a field not loaded keeps the tag for when it is).
 */
export function runTag(state: ScriptState, statement: Extract<Statement, { kind: 'Tag' }>): void {
  let pairs = statement.names.map((field) => ({ field, tags: statement.tags }));
  if (statement.using !== null) {
    const map = state.mappings.get(statement.using);
    if (!map) throw new ExecutionError(`Mapping table '${statement.using}' not found`);
    pairs = [...map].flatMap(([field, tag]) => (tag === null ? [] : [{ field, tags: [tag.text] }]));
  }
  for (const { field, tags } of pairs) {
    const current = state.fieldTags.get(field) ?? [];
    state.fieldTags.set(
      field,
      statement.untag ? current.filter((t) => !tags.includes(t)) : [...new Set([...current, ...tags])],
    );
  }
}
