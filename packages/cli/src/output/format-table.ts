import { escapeControl } from './escape-control.js';

/**
 * Formats rows as a left-aligned text table with a header, columns separated by two spaces.
 * Control characters in cells are shown escaped (`\u001b`); cells longer than `maxWidth` are cut
 * with an ellipsis.
 *
 * @example
 * ```ts
 * formatTable(['NAME', 'ID'], [['Sales', '5b7e…']]);
 * // ['NAME   ID', 'Sales  5b7e…']
 * ```
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string[] {
  // Cells are server-provided names: escaped first, so that widths count what the terminal shows.
  const cut = (raw: string): string => {
    const cell = escapeControl(raw);
    return cell.length > maxWidth ? `${cell.slice(0, maxWidth - 1)}…` : cell;
  };
  const all = [header, ...rows].map((row) => row.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
