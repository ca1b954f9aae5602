/** The stamp a Qlik script log starts each line with: `20260105T080001.250+0100` (older: `2026-01-05 08:00:01`). */
const STAMP = /^(?:\d{8}T\d{6}(?:\.\d+)?(?:[+-]\d{4}|Z)?|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)\s/;
// A statement echoed with its script line: `0012  LOAD …`.
const NUMBERED = /^(\d{4,})\s{2}(.*)$/;
const ERROR = /^\s*Error:\s*(.+?)\s*$/;

/**
 * The script error a reload's log ends with: the message of its last `Error: …` line and the
 * script line of the statement echoed just before it (the first line of that statement: the
 * numbered lines above it back to the end of the previous statement, a line ending in `;`).
 * Undefined when the log holds no error. A heuristic over the engine's log format, which no
 * document specifies: a log it does not understand gives no line rather than a wrong one.
 *
 * @example
 * ```ts
 * scriptLogError('… 0006  LOAD A RESIDENT Nope;\r\n…       Error: Table \'Nope\' not found\r\n');
 * // { line: 6, message: "Table 'Nope' not found" }
 * ```
 */
export function scriptLogError(log: string): { line?: number; message: string } | undefined {
  const lines = log.split(/\r?\n/).map((l) => l.replace(STAMP, ''));
  let errorAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (ERROR.test(lines[i] ?? '')) {
      errorAt = i;
      break;
    }
  }
  if (errorAt < 0) return undefined;
  const message = ERROR.exec(lines[errorAt] ?? '')?.[1] ?? '';
  let i = errorAt - 1;
  while (i >= 0 && !NUMBERED.test(lines[i] ?? '')) i--;
  const last = NUMBERED.exec(lines[i] ?? '');
  if (!last) return { message };
  let line = Number(last[1]);
  for (let j = i - 1; j >= 0; j--) {
    const previous = NUMBERED.exec(lines[j] ?? '');
    if (!previous || Number(previous[1]) !== line - 1 || (previous[2] ?? '').trimEnd().endsWith(';')) break;
    line -= 1;
  }
  return { line, message };
}
