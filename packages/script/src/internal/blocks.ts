import { isOp, isWord } from './expression-parser.js';
import type { LexToken } from './scanner.js';

/** The blocks control statements open. */
export type BlockKind = 'if' | 'for' | 'do' | 'sub' | 'switch';

/** The words that continue or close a block. */
export type Terminator = 'elseif' | 'else' | 'endif' | 'next' | 'loop' | 'endsub' | 'case' | 'default' | 'endswitch';

/** Which terminators each block accepts. */
export const ACCEPTS: Readonly<Record<BlockKind, ReadonlySet<Terminator>>> = {
  if: new Set(['elseif', 'else', 'endif']),
  for: new Set(['next']),
  do: new Set(['loop']),
  sub: new Set(['endsub']),
  switch: new Set(['case', 'default', 'endswitch']),
};

/** How each block's closing clause is written (for messages). */
export const CLOSERS: Readonly<Record<BlockKind, string>> = {
  if: 'END IF',
  for: 'NEXT',
  do: 'LOOP',
  sub: 'END SUB',
  switch: 'END SWITCH',
};

/** Deepest nesting of control blocks (deeper scripts are refused rather than overflow the stack). */
export const MAX_BLOCK_DEPTH = 100;

/**
 * The terminator a statement starting with `t` (followed by `t1`) is, or null. A word followed by
 * `:` is a table label, not a terminator.
 */
export function terminatorOf(t: LexToken, t1: LexToken): Terminator | null {
  if (t.kind !== 'identifier' || isOp(t1, ':')) return null;
  switch (t.upper) {
    case 'ELSEIF':
      return 'elseif';
    case 'ELSE':
      return 'else';
    case 'ENDIF':
      return 'endif';
    case 'ENDSUB':
      return 'endsub';
    case 'ENDSWITCH':
      return 'endswitch';
    case 'NEXT':
      return 'next';
    case 'LOOP':
      return 'loop';
    case 'CASE':
      return 'case';
    case 'DEFAULT':
      return 'default';
    case 'END':
      if (isWord(t1, 'IF')) return 'endif';
      if (isWord(t1, 'SUB')) return 'endsub';
      if (isWord(t1, 'SWITCH')) return 'endswitch';
      return null;
    default:
      return null;
  }
}
