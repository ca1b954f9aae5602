import { redact as redactText, redactValue } from '@qixflow/core/redact';

/**
 * Masks credentials — core's {@link redactText} rules (connection-string passwords, JWTs, bearer
 * tokens, Qlik session cookies, CSRF tokens, PEM private keys …) — and the given secret strings
 * (a private key or cookie read from a file). The last line of defence before the terminal: the
 * libraries already keep secrets out of their messages.
 *
 * @example
 * ```ts
 * redact('Cookie: X-Qlik-Session-jwt=abc', []); // 'Cookie: X-Qlik-Session-jwt=***'
 * ```
 */
function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('***');
  }
  return redactText(out);
}

/**
 * {@link redact} for what a command prints: a JSON document (`--json`) is redacted value by value
 * and printed again with the same indentation, so that it stays valid JSON; anything else as text.
 *
 * @example
 * ```ts
 * redactOutput('{"token":"t"}', []); // '{"token":"***"}'
 * ```
 */
export function redactOutput(text: string, secrets: readonly string[] = []): string {
  const asText = redact(text, secrets);
  if (asText === text) return text;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return asText;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return asText;
  }
  const indent = /^[{[]\n( +)/.exec(text.trimStart())?.[1]?.length ?? 0;
  const masked = JSON.stringify(redactValue(parsed), null, indent);
  // Registered secrets (a key, a cookie) may sit in any value: mask them in the serialised form too.
  return secrets.length === 0 ? masked : redact(masked, secrets);
}
