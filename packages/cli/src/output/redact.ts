const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER = /(bearer\s+)(?!<)[^\s"',;]+/gi;
const SESSION_COOKIE = /((?:X-Qlik-Session[\w-]*|eas\.sid(?:\.sig)?|_csrfToken(?:\.sig)?)=)[^;\s"',]+/gi;

/**
 * Masks anything that looks like a credential — PEM blocks, JWTs, Bearer values, Qlik session
 * cookie values — and the given secret strings. A last line of defence for error and debug output:
 * the libraries already keep secrets out of their messages.
 *
 * @example
 * ```ts
 * redact('Cookie: X-Qlik-Session-jwt=abc', []); // 'Cookie: X-Qlik-Session-jwt=***'
 * ```
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('***');
  }
  return out
    .replace(PEM, '[PEM redacted]')
    .replace(JWT, '[JWT redacted]')
    .replace(BEARER, '$1***')
    .replace(SESSION_COOKIE, '$1***');
}
