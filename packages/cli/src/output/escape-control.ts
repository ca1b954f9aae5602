// C0 controls, DEL, C1 controls, and the bidirectional overrides and isolates that reorder what a
// terminal shows (a name can otherwise disguise itself as another).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Shows control characters of a server-provided value (app, stream and user names, server error
 * messages) in a visible form, `\u001b` for ESC: printed raw, an escape sequence could rewrite the
 * screen, change the window title or hide what follows. Newlines and tabs are escaped too, so that
 * one value stays on one line of a table.
 *
 * @example
 * ```ts
 * escapeControl('Sales\u001b[2J'); // 'Sales\\u001b[2J'
 * ```
 */
export function escapeControl(value: string): string {
  return value.replace(CONTROL, visible);
}

/**
 * {@link escapeControl} for whole lines written to the terminal: keeps `\n` and `\t` (the layout of
 * our own output) and escapes every other control character, whatever part of the line it came from.
 *
 * @example
 * ```ts
 * escapeControlInLines('3 apps\n\u001b]0;pwned\u0007'); // '3 apps\n\\u001b]0;pwned\\u0007'
 * ```
 */
export function escapeControlInLines(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, visible);
}
