import { RESERVED_NAMES } from './keywords.js';
import { Scanner } from './scanner.js';

const ignore = (): void => {};

/** Whether `name` can be written without quotes and read back as the same single name. */
function isPlainName(name: string): boolean {
  if (name === '') return false;
  const scanner = new Scanner(name, ignore);
  const tok = scanner.scan();
  if (tok.kind !== 'identifier' || tok.text !== name) return false;
  if (scanner.scan().kind !== 'eof') return false;
  return !RESERVED_NAMES.has(tok.upper);
}

/**
 * Quotes free text for places that accept `[…]` or `"…"` (names, paths, inline data): brackets when
 * it has no `]`, double quotes when it has no `"`, else brackets with `]]`.
 */
export function quoteText(text: string): string {
  if (!text.includes(']')) return `[${text}]`;
  if (!text.includes('"')) return `"${text}"`;
  return `[${text.replaceAll(']', ']]')}]`;
}

/** A name as it must be written: bare when possible, else quoted. */
export function quoteName(name: string): string {
  return isPlainName(name) ? name : quoteText(name);
}

/** A single-quoted string literal. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
