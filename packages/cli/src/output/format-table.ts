import stringWidth from 'string-width';
import { escapeControl } from './escape-control.js';

/**
 * Formats rows as a left-aligned text table with a header, columns separated by two spaces.
 * Control characters in cells are shown escaped (`\u001b`); cells wider than `maxWidth` terminal
 * columns are cut with an ellipsis; columns align by display width (CJK, emoji).
 *
 * @example
 * ```ts
 * formatTable(['NAME', 'ID'], [['Sales', '5b7e…']]);
 * // ['NAME   ID', 'Sales  5b7e…']
 * ```
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string[] {
  // Cells are server-provided names: escaped first, so that widths count what the terminal shows.
  // Widths are terminal columns, not UTF-16 units: CJK characters and most emoji take two.
  const all = [header, ...rows].map((row) => row.map((raw) => truncate(escapeControl(raw), maxWidth)));
  const widths = header.map((_, i) => Math.max(...all.map((row) => stringWidth(row[i] ?? ''))));
  return all.map((row) =>
    row
      .map((cell, i) =>
        i === row.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(cell))),
      )
      .join('  ')
      .trimEnd(),
  );
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts a cell to `maxWidth` columns with an ellipsis, never inside a character (or an emoji sequence). */
function truncate(cell: string, maxWidth: number): string {
  if (stringWidth(cell) <= maxWidth) return cell;
  let out = '';
  let width = 0;
  for (const { segment } of graphemes.segment(cell)) {
    const w = stringWidth(segment);
    if (width + w > maxWidth - 1) break;
    out += segment;
    width += w;
  }
  return `${out}…`;
}
