import type { Position, Span } from '../ast.js';

/** The position just after the last character of `text`. */
function endPosition(text: string): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: text.length - lineStart + 1, offset: text.length };
}

/** The span of a whole text. */
export function wholeSpan(text: string): Span {
  return { start: { line: 1, column: 1, offset: 0 }, end: endPosition(text) };
}
