import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/output/format-table.js';

describe('tables on a terminal', () => {
  it('align CJK and emoji names by the columns they take, not by their length in code units', () => {
    const lines = formatTable(
      ['NAME', 'ID', 'STREAM'],
      [
        ['売上ダッシュボード', 'a1', '営業'],
        ['Sales 📈 Dashboard', 'b2', 'Everyone'],
        ['👩‍👩‍👧 Family', 'c3', '-'],
        ['Finance', 'd4', '-'],
      ],
    );
    // Every ID starts in the same terminal column.
    const idColumns = lines.map((line) => {
      const at = line.search(/\b(ID|a1|b2|c3|d4)\b/);
      return stringWidth(line.slice(0, at));
    });
    expect(new Set(idColumns).size).toBe(1);
    expect(lines[1]).toBe('売上ダッシュボード  a1  営業');
  });

  it('cuts wide names at the width limit without splitting a character or an emoji sequence', () => {
    const [, row] = formatTable(['NAME'], [['データ'.repeat(20)]], 11);
    expect(row).toBe('データデー…');
    expect(stringWidth(row ?? '')).toBe(11);
    const [, emoji] = formatTable(['NAME'], [['👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧']], 5);
    expect(emoji).toBe('👩‍👩‍👧👩‍👩‍👧…');
  });

  it('shows control characters from server-provided names escaped', () => {
    const [, row] = formatTable(['NAME'], [['evil\u001b[2Jname']]);
    expect(row).toBe('evil\\u001b[2Jname');
  });
});
