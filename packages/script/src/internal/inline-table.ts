import type { FileFormat } from '../ast.js';
import { fileFormatOptions } from '../file-format-options.js';

/** Splits one line of inline data at `delimiter`, honouring `"…"` and `'…'` quoted cells. */
function splitRow(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t') && line[i] !== delimiter) i++;
    let cell = '';
    const q = line[i];
    if (q === '"' || q === "'") {
      const close = line.indexOf(q, i + 1);
      if (close >= 0) {
        cell = line.slice(i + 1, close);
        i = close + 1;
        const next = delimiter === '' ? -1 : line.indexOf(delimiter, i);
        // Anything between the closing quote and the delimiter belongs to the cell.
        const rest = next < 0 ? line.slice(i) : line.slice(i, next);
        cell += rest.trimEnd();
        i = next < 0 ? n : next;
      } else {
        const next = delimiter === '' ? -1 : line.indexOf(delimiter, i);
        cell = (next < 0 ? line.slice(i) : line.slice(i, next)).trim();
        i = next < 0 ? n : next;
      }
    } else {
      const next = delimiter === '' ? -1 : line.indexOf(delimiter, i);
      cell = (next < 0 ? line.slice(i) : line.slice(i, next)).trim();
      i = next < 0 ? n : next;
    }
    cells.push(cell);
    if (i >= n) return cells;
    i += delimiter.length;
  }
}

/** Parses the data of `INLINE […]`: the header row (unless `no labels`) and the data rows. */
export function parseInlineTable(
  data: string,
  format: FileFormat | null,
): { fields: readonly string[]; rows: readonly (readonly string[])[] } {
  const options = format ? fileFormatOptions(format) : null;
  const delimiter = options?.delimiter ?? ',';
  const lines = data.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  const split = (l: string): string[] => (delimiter === ' ' ? l.trim().split(/\s+/) : splitRow(l, delimiter));
  const table = lines.map(split);
  if (options?.labels === 'none') {
    const width = table.reduce((w, r) => Math.max(w, r.length), 0);
    return { fields: Array.from({ length: width }, (_, i) => `@${i + 1}`), rows: table };
  }
  const [header, ...rows] = table;
  return { fields: header ?? [], rows };
}
