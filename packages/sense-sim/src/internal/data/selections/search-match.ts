import { compileWildcard } from '../expressions/script-bridge.js';
import { textEquals, toNumber } from '../expressions/value-ops.js';
import { parseDateTime } from '../formats/date-format.js';
import type { FormatSettings } from '../formats/format-settings.js';
import type { Dual } from '../model/loaded-model.js';

/** How a search string selects values. */
export type SearchMatcher =
  | { readonly kind: 'values'; readonly test: (value: Dual) => boolean }
  /** `=condition`: evaluated per value by the caller (it needs the data engine). */
  | { readonly kind: 'expression'; readonly expression: string };

const RANGE_PART = /(<=|>=|<>|<|>|=)\s*([^<>=]+)/g;

/**
 * Reads a Qlik search string, as `Field.Select`, `ToggleSelect` and set-analysis `"…"` elements use:
 * - `=expr` — values for which the expression is true;
 * - `>10`, `<=5`, `>=1<10`, `>=1/1/2024` — numeric (or date) bounds, all of which must hold;
 * - `*` and `?` wildcards — the whole text, case-insensitively;
 * - anything else — the value whose text is that text, case-insensitively.
 *
 * @example
 * const match = searchMatcher('>=2<4', settings);
 * match.kind === 'values' && match.test({ text: '3', num: 3 }); // true
 */
export function searchMatcher(search: string, settings: FormatSettings): SearchMatcher {
  const text = unquote(search.trim());
  if (text.startsWith('=')) return { kind: 'expression', expression: text.slice(1) };
  if (/^(<=|>=|<|>)/.test(text)) {
    const bounds = numericBounds(text, settings);
    if (bounds) {
      return {
        kind: 'values',
        test: (value) => {
          const num = toNumber(value);
          return !Number.isNaN(num) && bounds.every((bound) => bound(num));
        },
      };
    }
  }
  if (text.includes('*') || text.includes('?')) {
    const matches = compileWildcard(text);
    return { kind: 'values', test: (value) => matches(value.text) };
  }
  return { kind: 'values', test: (value) => textEquals(value.text, text) };
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function numericBounds(text: string, settings: FormatSettings): ((num: number) => boolean)[] | undefined {
  const bounds: ((num: number) => boolean)[] = [];
  let consumed = '';
  for (const match of text.matchAll(RANGE_PART)) {
    const op = match[1] ?? '';
    const operand = (match[2] ?? '').trim();
    const limit = boundValue(operand, settings);
    if (limit === undefined) return undefined;
    consumed += match[0];
    switch (op) {
      case '<':
        bounds.push((num) => num < limit);
        break;
      case '<=':
        bounds.push((num) => num <= limit);
        break;
      case '>':
        bounds.push((num) => num > limit);
        break;
      case '>=':
        bounds.push((num) => num >= limit);
        break;
      case '<>':
        bounds.push((num) => num !== limit);
        break;
      default:
        bounds.push((num) => num === limit);
    }
  }
  return bounds.length > 0 && consumed.replace(/\s/g, '') === text.replace(/\s/g, '') ? bounds : undefined;
}

function boundValue(operand: string, settings: FormatSettings): number | undefined {
  const num = toNumber({ text: operand, num: Number.NaN });
  if (!Number.isNaN(num)) return num;
  return (
    parseDateTime(operand, settings.dateFormat, settings) ??
    parseDateTime(operand, settings.timestampFormat, settings) ??
    parseDateTime(operand, 'YYYY-MM-DD', settings)
  );
}
