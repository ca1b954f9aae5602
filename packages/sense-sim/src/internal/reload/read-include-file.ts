import { readFile, stat } from 'node:fs/promises';
import { MAX_TEXT_LENGTH } from '../data/expressions/text-limit.js';
import { MissingPath } from './data-folder.js';
import { ExecutionError } from './script-error.js';
import type { ScriptState } from './script-state.js';

/**
 * The script text of `$(Include=path)` / `$(Must_Include=path)`, read through the data folder (so
 * the same connections and the same traversal protection as data files apply). A file that does
 * not exist gives null for Include — Qlik's Include "fails silently" — and an error naming the
 * path as the script wrote it for Must_Include. A UTF-8 byte order mark is dropped.
 */
export async function readIncludeFile(state: ScriptState, path: string, must: boolean): Promise<string | null> {
  let full: string;
  try {
    full = (await state.folder.readable(path)).full;
  } catch (error) {
    if (!(error instanceof MissingPath)) throw error;
    if (!must) return null;
    throw new ExecutionError(`Must_Include file not found: '${path}'`);
  }
  let text: string;
  try {
    const { size } = await stat(full);
    // Script text is read whole; a huge file is refused before it is read, like any data file.
    state.guard.expectBytes(size);
    if (size > MAX_TEXT_LENGTH) throw new ExecutionError(`Included file too large: '${path}' (${size} bytes)`);
    text = await readFile(full, 'utf8');
  } catch (error) {
    if (error instanceof ExecutionError) throw error;
    const code = (error as { code?: string }).code ?? 'error';
    if (code === 'ENOENT' && !must) return null;
    throw new ExecutionError(
      code === 'ENOENT' ? `Must_Include file not found: '${path}'` : `Cannot read file '${path}' (${code})`,
    );
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
