import type { BinaryStatement } from '@qixflow/script';
import type { LoadedModel } from '../data/model/loaded-model.js';
import { ColumnTable } from './column-table.js';
import { MissingPath, UnmappedConnection } from './data-folder.js';
import { readQvfFile } from './read-qvf-file.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';
import { WorkTable } from './work-table.js';

/**
 * Qlik's refusal of a BINARY that is not the first statement (QlikView's wording; Qlik Sense's
 * help says the same in other words: "the binary statement must be the first statement of the
 * script, even before the SET statements").
 */
const BINARY_NOT_FIRST = 'Binary statement is only allowed as the first statement of the script';

/**
 * BINARY: another app's data model — its tables with their rows, field comments and field tags,
 * not its variables (Qlik leaves those out too) — becomes the script's starting state; everything
 * after builds on it (RESIDENT, implicit concatenation, DROP …). The path is, in this order:
 *
 * - a `lib://` path to a file of the data folder: a `.qvf` file in the simulator's format
 *   ({@link readQvfFile});
 * - a `lib://` path with no such file — or through a folder connection whose real path the site
 *   does not map (`C:\ProgramData\Qlik\Sense\Apps`): the site's app whose id is the file name
 *   (a server's Apps folder names its files by app id) or, for `<Name>.qvf`, the app titled
 *   `<Name>` (case-insensitive, as Windows file names) — so `Binary [lib://Apps/Sales.qvf];` works
 *   whatever the folder connection is called;
 * - an app id (`Binary [8fe6f3a2-…];`, quoted or not), as Qlik Cloud accepts.
 *
 * The `lib://` path goes through the data folder's checks first: a path leading out is refused
 * as for any read. GetLineage gets `<path>;` with the statement (the real engine's discriminator
 * for a binary load is not documented; this is the form it writes for file reads).
 */
export async function runBinary(
  state: ScriptState,
  statement: BinaryStatement,
  text: string,
  first: boolean,
): Promise<void> {
  if (!first) throw new ExecutionError(BINARY_NOT_FIRST);
  const written = statement.path.trim();
  const model = await binaryModel(state, written);
  await startFrom(state, model);
  state.lineage.push({ qDiscriminator: `${written};`, qStatement: text.trim() });
  state.env.onProgress?.(`Binary load of ${written}: ${model.tables.length} tables`);
}

async function binaryModel(state: ScriptState, written: string): Promise<LoadedModel> {
  if (/^lib:\/\//i.test(written)) {
    try {
      const { full } = await state.folder.readable(written);
      return await readQvfFile(full, {
        shownAs: written,
        pacer: state.guard,
        expectBytes: (bytes) => state.guard.expectBytes(bytes),
      });
    } catch (error) {
      // No such file, or an Apps folder the site does not map: the site's apps answer by file
      // name — never for a path that climbs with `..`.
      const byName = error instanceof MissingPath || error instanceof UnmappedConnection;
      if (!byName || written.split(/[\\/]/).includes('..')) throw error;
    }
    const file = written.split(/[\\/]/).pop() ?? '';
    return fromSite(state, file, written);
  }
  if (/[\\/]/.test(written) || /^[a-z]:/i.test(written)) {
    // Legacy mode's absolute and app-relative paths: Qlik Sense's standard mode refuses them too.
    throw new ExecutionError(`Binary needs a lib:// path or an app id, not a file system path: '${written}'`);
  }
  return fromSite(state, written, written);
}

function fromSite(state: ScriptState, app: string, written: string): Promise<LoadedModel> {
  if (!state.env.binary || app === '') throw new ExecutionError(`Cannot open file: '${written}'`);
  return state.env.binary({ app, written });
}

/** Copies the model's tables into the (empty) script state: statements after change them in place. */
async function startFrom(state: ScriptState, model: LoadedModel): Promise<void> {
  const { guard } = state;
  for (const table of model.tables) {
    state.growth(table.fields.length)(table.rowCount);
    // The other app's columns are copied (its model stays as it is); a copy is typed arrays.
    state.addTable(new WorkTable(table.name, await ColumnTable.fromData(table, guard)));
  }
  // Section access comes along: BINARY must not be a way around it.
  state.binaryAccess = model.sectionAccess;
  for (const [field, comment] of model.fieldComments) state.fieldComments.set(field, comment);
  for (const [field, tags] of model.fieldTags) state.fieldTags.set(field, [...tags]);
}
