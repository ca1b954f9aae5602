/** What a redacted secret is replaced with. */
export const REDACTED = '***';

// Key names are compared normalised (lower case, letters and digits only), so `client_secret`,
// `ClientSecret` and `client-secret` are one name.
const PASSWORD_SUFFIXES = ['password', 'passwd', 'pwd', 'passphrase'];
const SECRET_SUFFIXES = [
  ...PASSWORD_SUFFIXES,
  'secret',
  'token',
  'apikey',
  'accountkey',
  'accesskey',
  'secretkey',
  'privatekey',
  'masterkey',
  'signature',
  'sessionid',
];
const SECRET_NAMES = new Set(['pw', 'pass', 'sig', 'xpassword']);
// Only as object keys: in text, `Authorization:` and `Cookie:` have rules that keep the scheme
// and the cookie names readable.
const HEADER_NAMES = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);
const COOKIE_ATTRIBUTES = new Set([
  'path',
  'domain',
  'expires',
  'maxage',
  'samesite',
  'secure',
  'httponly',
  'priority',
]);

function normalise(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function isPasswordKey(key: string): boolean {
  const n = normalise(key);
  return n === 'pw' || n === 'pass' || PASSWORD_SUFFIXES.some((s) => n.endsWith(s));
}

function isSecretKey(key: string): boolean {
  const n = normalise(key);
  return SECRET_NAMES.has(n) || SECRET_SUFFIXES.some((s) => n.endsWith(s));
}

// A user name alone is not a secret; next to a password it is half of the credential.
function isUserKey(key: string): boolean {
  const n = normalise(key);
  return n === 'uid' || n === 'login' || n.endsWith('user') || n.endsWith('userid') || n.endsWith('username');
}

// A cheap first look: text without any of these cannot hold anything the rules below mask, and most
// strings of a lineage graph (names, ids, expressions) have none.
const TRIGGER =
  /pw|pass|secret|token|key|sig|session|user|uid|login|eyJ|:\/\/[^\s/]*@|jdbc:oracle|sid|bearer|authoriz|cookie|BEGIN|query(?:headers|parameters)/i;

const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;
const AUTH_SCHEME = /^(?:bearer|basic|digest|negotiate|ntlm|token|sso)$/i;
const AUTHORIZATION =
  /\b((?:proxy-)?authorization)(["']?[ \t]*[:=][ \t]*["']?)(?:(bearer|basic|digest|negotiate|ntlm|token|sso)[ \t]+)?([^\s"',;]+)/gi;
const BEARER = /\b(bearer)([ \t]+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/?#@"'<>[\]]*):([^\s/?#"'<>]*)@/gi;
const ORACLE_THIN = /\b(jdbc:oracle:[a-z0-9]+:)([^\s/@:;"']+)\/([^\s@"']*)@/gi;
const COOKIE_HEADER = /\b((?:set-)?cookie)(["']?[ \t]*:[ \t]*["']?)([^\r\n"']*)/gi;
const NAMED_COOKIE = /\b(X-Qlik-Session[\w-]*|X-Qlik-Security|eas\.sid(?:\.sig)?|_csrfToken(?:\.sig)?)=([^;\s"',&]+)/gi;
const QUOTED_KEY = /(["'])([^"'\\\r\n]{1,64})\1([ \t]*:[ \t]*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d[\d.eE+-]*)/g;
// Objects are not parsed, so "next to a password" is "in the same text" for JSON: a user name
// elsewhere in that text is masked too, which costs readability, never a secret.
const JSON_PASSWORD_KEY = /["'][^"'\r\n]{0,60}(?:password|passwd|pwd|passphrase)["'][ \t]*:/i;
const ESCAPED_JSON_KEY = /\\"([^"\\\r\n]{1,64})\\"([ \t]*:[ \t]*)\\"((?:[^"\\]|\\[^"])*)\\"/g;
const BARE_KEY =
  /(?<![\w"'.-])([A-Za-z_][\w-]{0,63})([ \t]*:[ \t]*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"',;}\]]+)/g;
const KEY_START = /(?:^|[\r\n{,;(])[ \t]*$/;
const QLIK_IS = /\b(XUserId|XPassword)([ \t]+is[ \t]+)([^\s;,)"'\]]+)/gi;
const REST_PAIRS = /\b(queryHeaders|queryParameters)=([^;"'\r\n]*)/gi;

// `key=value` lists: ODBC/OLEDB/ADO.NET/JDBC properties (`;`), libpq (spaces), script assignments.
const KEY = String.raw`[A-Za-z_][\w.:-]*(?:[ \t]+[A-Za-z_][\w.:-]*){0,3}`;
const DELIMITED = String.raw`\{(?:[^}]|\}\})*(?:\}|$)|"(?:[^"]|"")*(?:"|$)|'(?:[^']|'')*(?:'|$)|\\"(?:[^\\"]|\\[^"])*(?:\\"|$)`;
// In free text a plain value also ends at a quote (the string around it) and before ` key=` (libpq,
// SQL), but not at an escaped quote (`\"` inside JSON text); inside a CONNECT target it is a pure
// connection string, where only `;` ends a value.
const PLAIN = String.raw`(?:\\[^\r\n]|[^;\r\n"' \t\\]|[ \t]+(?=[^;\r\n"' \t])(?![A-Za-z_][\w.:-]*[ \t]*=))*`;
const PLAIN_IN_CONNECT = String.raw`[^;\r\n]*`;
const SEP = String.raw`[ \t]*;[ \t]*|[ \t]+`;

function pairGrammar(plain: string): { list: RegExp; step: RegExp } {
  const value = `${DELIMITED}|${plain}`;
  const pair = String.raw`${KEY}[ \t]*=[ \t]*(?:${value})`;
  return {
    list: new RegExp(String.raw`(?<![\w.:?&-])${pair}(?:(?:${SEP})${pair})*`, 'g'),
    step: new RegExp(String.raw`(${SEP})?(${KEY})([ \t]*=[ \t]*)(${value})`, 'y'),
  };
}
const IN_TEXT = pairGrammar(PLAIN);
const IN_CONNECT = pairGrammar(PLAIN_IN_CONNECT);

// URL queries: `&` separates, a value ends at the first character a URL cannot hold unencoded.
const QUERY_LIST = /(?<=[?&])[A-Za-z_][\w.-]{0,63}=[^&#\s"'<>\]]*(?:&(?:amp;)?[A-Za-z_][\w.-]{0,63}=[^&#\s"'<>\]]*)*/g;
const QUERY_STEP = /(&(?:amp;)?)?([^=&]+)=([^&]*)/y;

// Qlik script connect statements: the bracketed or quoted connection string is redacted on its own,
// so that its closing `]` or quote survives (a Qlik `]]` inside stays part of the value). No `[`
// inside: an unclosed bracket then costs one short scan, not one to the end of the text.
const CONNECT =
  /\b((?:(?:ODBC|OLEDB|CUSTOM|LIB)[ \t]+)?CONNECT(?:32|64)?\s+TO\s+)(\[(?:[^[\]]|\]\])*\](?!\])|"(?:[^"]|"")*"|'(?:[^']|'')*')/gi;

interface Pair {
  sep: string;
  key: string;
  eq: string;
  value: string;
}

// A quoted value is looked into once (a connection string in a script variable); quotes nested
// deeper are not, so that a hostile nesting cannot make the work quadratic.
const MAX_DEPTH = 1;

function maskPairs(pairs: Pair[], depth: number): string {
  const hasPassword = pairs.some((p) => isPasswordKey(p.key));
  return pairs
    .map((p) => {
      const masked = isSecretKey(p.key) || (hasPassword && isUserKey(p.key));
      if (masked && p.value !== '') return `${p.sep}${p.key}${p.eq}${maskKeepingQuotes(p.value)}`;
      const value = depth < MAX_DEPTH ? redactInsideQuotes(p.value, depth + 1) : p.value;
      return `${p.sep}${p.key}${p.eq}${value}`;
    })
    .join('');
}

/** Splits a matched list with a sticky step regex and masks it; what the steps leave is kept as is. */
function redactList(list: string, step: RegExp, toPair: (match: RegExpExecArray) => Pair, depth: number): string {
  const pairs: Pair[] = [];
  let at = 0;
  while (at < list.length) {
    step.lastIndex = at;
    const match = step.exec(list);
    if (match === null || match[0] === '') break;
    pairs.push(toPair(match));
    at = step.lastIndex;
  }
  return maskPairs(pairs, depth) + list.slice(at);
}

const QUOTES = [
  ['{', '}'],
  ['\\"', '\\"'],
  ['"', '"'],
  ["'", "'"],
] as const;

// `'x'` becomes `'***'` and `{x}` becomes `{***}`: the text around stays parseable, and a second
// pass sees the same value again.
function maskKeepingQuotes(value: string): string {
  for (const [open, close] of QUOTES) {
    if (value.length >= open.length + close.length && value.startsWith(open) && value.endsWith(close)) {
      return `${open}${REDACTED}${close}`;
    }
  }
  return REDACTED;
}

// `LET vConn = 'Server=x;Pwd=y'`: the quoted value of a harmless key is a connection string itself.
function redactInsideQuotes(value: string, depth: number): string {
  for (const [open, close] of QUOTES) {
    if (value.length >= open.length + close.length && value.startsWith(open) && value.endsWith(close)) {
      return `${open}${redactText(value.slice(open.length, value.length - close.length), IN_TEXT, depth)}${close}`;
    }
  }
  return value;
}

function pairStep(m: RegExpExecArray): Pair {
  return { sep: m[1] ?? '', key: m[2] ?? '', eq: m[3] ?? '', value: m[4] ?? '' };
}

function redactQueryList(list: string): string {
  const toPair = (m: RegExpExecArray): Pair => ({ sep: m[1] ?? '', key: m[2] ?? '', eq: '=', value: m[3] ?? '' });
  return redactList(list, QUERY_STEP, toPair, MAX_DEPTH);
}

function quoteOf(value: string): string {
  const first = value[0];
  return first === '"' || first === "'" ? first : '"';
}

function redactText(text: string, pairs = IN_TEXT, depth = 0): string {
  if (!TRIGGER.test(text)) return text;
  return text
    .replace(PEM, (_m, label: string) => `-----BEGIN ${label}-----${REDACTED}-----END ${label}-----`)
    .replace(AUTHORIZATION, (m, name: string, sep: string, scheme: string | undefined, value: string) => {
      // A placeholder (`Bearer <jwt>`) or a scheme without its value is documentation, not a secret.
      if (value.startsWith('<') || (scheme === undefined && AUTH_SCHEME.test(value))) return m;
      return `${name}${sep}${scheme === undefined ? '' : `${scheme} `}${REDACTED}`;
    })
    .replace(BEARER, (m, word: string, space: string, token: string) =>
      // Prose ("Bearer authentication") stays; tokens have digits or punctuation, or are long.
      /[0-9._~+/-]/.test(token) || token.length >= 20 ? `${word}${space}${REDACTED}` : m,
    )
    .replace(JWT, REDACTED)
    .replace(
      URL_USER_INFO,
      (_m, scheme: string, user: string) => `${scheme}${user === '' ? '' : REDACTED}:${REDACTED}@`,
    )
    .replace(ORACLE_THIN, `$1${REDACTED}/${REDACTED}@`)
    .replace(COOKIE_HEADER, (_m, name: string, sep: string, value: string) => {
      const masked = value.replace(/([^=;,\s]+)=([^;,\s]*)/g, (pair, cookie: string) =>
        COOKIE_ATTRIBUTES.has(normalise(cookie)) ? pair : `${cookie}=${REDACTED}`,
      );
      return `${name}${sep}${masked}`;
    })
    .replace(NAMED_COOKIE, `$1=${REDACTED}`)
    .replace(QUOTED_KEY, (m, q: string, key: string, sep: string, value: string) =>
      isSecretKey(key) || (isUserKey(key) && JSON_PASSWORD_KEY.test(text))
        ? `${q}${key}${q}${sep}${quoteOf(value)}${REDACTED}${quoteOf(value)}`
        : m,
    )
    .replace(ESCAPED_JSON_KEY, (m, key: string, sep: string) =>
      isSecretKey(key) ? `\\"${key}\\"${sep}\\"${REDACTED}\\"` : m,
    )
    .replace(BARE_KEY, (m, key: string, sep: string, value: string, at: number, whole: string) => {
      if (!isSecretKey(key)) return m;
      // `api_key:` or `clientSecret:` is a key wherever it stands; a plain word (`token:`) only where
      // a key starts (a line, an object, a list), not in prose ("CSRF token: received").
      if (!/[-_]|[a-z][A-Z]/.test(key) && !KEY_START.test(whole.slice(Math.max(0, at - 80), at))) return m;
      const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${key}${sep}${q}${REDACTED}${q}`;
    })
    .replace(QLIK_IS, `$1$2${REDACTED}`)
    .replace(REST_PAIRS, (_m, name: string, value: string) => {
      const masked = value
        .split('%1')
        .map((pair) => {
          const at = pair.indexOf('%2');
          if (at < 0) return pair;
          const header = pair.slice(0, at);
          const secret = isSecretKey(header) || HEADER_NAMES.has(normalise(header));
          return secret ? `${header}%2${REDACTED}` : pair;
        })
        .join('%1');
      return `${name}=${masked}`;
    })
    .replace(QUERY_LIST, redactQueryList)
    .replace(pairs.list, (list) => redactList(list, pairs.step, pairStep, depth));
}

/**
 * Masks credentials in free text — connection strings, load scripts, error messages, log lines,
 * HTTP traces — and keeps the rest readable (hosts, databases, drivers, DSNs). Each secret becomes
 * `***`. Covered: `Password`/`PWD`/`…Password`/`Passphrase`/`Token`/`Secret`/`AccountKey`/`sig`/… in
 * `key=value` lists (plain, `'…'`, `"…"` and `{…}` values with `}}` escapes) and the user names
 * (`UID`, `User ID`, `User`, `Username`) in the same list; the same keys in JSON (also escaped JSON)
 * and `key: value` headers; URL user-info and query parameters; Oracle thin JDBC `user/pw@`; Qlik's
 * `XUserId is …` / `XPassword is …`; the credential parts of `CONNECT TO [...]` statements (the DSN
 * stays); Qlik REST connector headers (`queryHeaders=Authorization%2…`); `Authorization` values,
 * bearer tokens, JWTs; Qlik session and cloud cookies (`X-Qlik-Session…`, `eas.sid`, `_csrfToken`)
 * and `qlik-csrf-token`; PEM private key blocks.
 *
 * Not masked: `X-Qlik-Xrfkey` / `xrfkey` — a value the client picks per request and sends in the URL
 * anyway; it proves a request was not forged cross-site and authenticates nothing. Idempotent:
 * redacting redacted text changes nothing. Linear in the length of the text.
 *
 * @example
 * ```ts
 * import { redact } from '@qixflow/core';
 *
 * redact('Driver={ODBC Driver 18 for SQL Server};Server=db1;UID=etl;PWD={hun;ter2}');
 * // 'Driver={ODBC Driver 18 for SQL Server};Server=db1;UID=***;PWD={***}'
 * redact('ODBC CONNECT TO [Sales DSN;UID=etl;PWD=secret];');
 * // 'ODBC CONNECT TO [Sales DSN;UID=***;PWD=***];'
 * ```
 */
export function redact(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(CONNECT)) {
    const at = match.index;
    const [whole, statement = '', target = ''] = match;
    out += redactText(text.slice(last, at));
    const open = target[0] ?? '';
    const close = target[target.length - 1] ?? '';
    out += `${statement}${open}${redactText(target.slice(1, -1), IN_CONNECT)}${close}`;
    last = at + whole.length;
  }
  return last === 0 ? redactText(text) : out + redactText(text.slice(last));
}

/**
 * {@link redact} applied to every string inside a JSON-like value (arrays and plain objects are
 * copied; other objects are returned as they are). Values of credential keys (`password`, `token`,
 * `authorization`, `cookie`, …) become `***`, and so do user names next to a password key in the
 * same object.
 *
 * @example
 * ```ts
 * redactValue({ host: 'db1', user: 'etl', password: 'x', note: 'pwd=y' });
 * // { host: 'db1', user: '***', password: '***', note: 'pwd=***' }
 * ```
 */
export function redactValue<T>(value: T): T {
  return redactDeep(value, new WeakMap()) as T;
}

function redactDeep(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  const copied = seen.get(value);
  if (copied !== undefined) return copied;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(redactDeep(item, seen));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  const keys = Object.keys(record);
  const hasPassword = keys.some((k) => isPasswordKey(k) && typeof record[k] === 'string');
  for (const key of keys) {
    const item = record[key];
    const masked = isSecretKey(key) || HEADER_NAMES.has(normalise(key)) || (hasPassword && isUserKey(key));
    out[key] = masked && (typeof item === 'string' || typeof item === 'number') ? REDACTED : redactDeep(item, seen);
  }
  return out;
}

/**
 * Whether a name (variable, key, header) says its value is a credential: `vPassword`, `api_key`,
 * `client_secret`, `X-Api-Key`, `sig` …
 *
 * @example
 * ```ts
 * isSecretName('vDbPassword'); // true
 * ```
 */
export function isSecretName(name: string): boolean {
  return isSecretKey(name) || HEADER_NAMES.has(normalise(name));
}
