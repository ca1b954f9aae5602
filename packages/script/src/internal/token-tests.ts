import type { DollarExpansion } from '../ast.js';
import { dollarParts } from './dollar.js';
import type { LexToken } from './scanner.js';

/** Token kinds that hold a name. */
export function isNameToken(t: LexToken): boolean {
  return (
    t.kind === 'identifier' ||
    t.kind === 'bracketed' ||
    t.kind === 'quoted' ||
    t.kind === 'backtick' ||
    t.kind === 'dollar'
  );
}

/** The name a token stands for (`$(…)` kept verbatim). */
export function nameOf(t: LexToken): string {
  return t.kind === 'dollar' ? `$(${t.value})` : t.value;
}

export function isOp(t: LexToken, text: string): boolean {
  return t.kind === 'operator' && t.text === text;
}

export function isWord(t: LexToken, upper: string): boolean {
  return t.kind === 'identifier' && t.upper === upper;
}

/** Builds a DollarExpansion node from a `dollar` token. */
export function dollarNode(t: LexToken): DollarExpansion {
  const parts = dollarParts(t.value);
  return { kind: 'DollarExpansion', text: t.value, form: parts.form, name: parts.name, args: parts.args, span: t.span };
}
