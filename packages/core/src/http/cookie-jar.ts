import { parseCookie, parseSetCookie } from 'cookie';

/** One stored cookie: the host that set it, where it goes, and until when. */
interface StoredCookie {
  name: string;
  value: string;
  /** The host that set it (lower case): a cookie goes back to that host only. */
  host: string;
  path: string;
  secure: boolean;
  /** ms since epoch; undefined for a session cookie. */
  expiresAt: number | undefined;
  created: number;
}

/**
 * The site's cookies, sized to the job: a site talks to one host, so a cookie is kept for the host
 * that set it and sent back to that host only (never to other subdomains, whatever its `Domain`),
 * on paths under its `Path`, over TLS only when it is `Secure`, until it expires — the rules of RFC
 * 6265 that matter for one origin, without a public-suffix list. Websocket URLs are matched as their
 * HTTP counterparts. Parsing is the `cookie` package's.
 */
export class SiteCookies {
  #cookies: StoredCookie[] = [];
  #created = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores the Set-Cookie headers of an answer from `url`; returns the names stored. */
  async store(url: string, setCookie: string | string[] | undefined): Promise<string[]> {
    const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    const target = parseUrl(url);
    const names: string[] = [];
    for (const line of lines) {
      const parsed = safeParseSetCookie(line);
      if (parsed === undefined || parsed.name === '') continue;
      // A Domain the host is not inside is a cookie for someone else: refused, as browsers do.
      if (parsed.domain !== undefined && !domainMatches(target.host, parsed.domain)) continue;
      const path = parsed.path?.startsWith('/') === true ? parsed.path : defaultPath(target.path);
      const expiresAt = parsed.maxAge !== undefined ? this.#now() + parsed.maxAge * 1000 : parsed.expires?.getTime();
      this.#cookies = this.#cookies.filter(
        (c) => !(c.name === parsed.name && c.host === target.host && c.path === path),
      );
      if (expiresAt !== undefined && expiresAt <= this.#now()) continue; // an expired cookie deletes
      this.#cookies.push({
        name: parsed.name,
        value: parsed.value ?? '',
        host: target.host,
        path,
        secure: parsed.secure === true,
        expiresAt,
        created: this.#created++,
      });
      names.push(parsed.name);
    }
    return names;
  }

  /** Adds cookies the caller already holds (`name=value; name2=value2`) for `url`, on every path. */
  async seed(url: string, header: string): Promise<void> {
    const target = parseUrl(url);
    for (const [name, value] of Object.entries(parseCookie(header))) {
      if (name === '' || value === undefined) continue;
      this.#cookies = this.#cookies.filter((c) => !(c.name === name && c.host === target.host && c.path === '/'));
      this.#cookies.push({
        name,
        value,
        host: target.host,
        path: '/',
        secure: false,
        expiresAt: undefined,
        created: this.#created++,
      });
    }
  }

  /** The Cookie header for a request to `url` (name=value pairs only). */
  async header(url: string): Promise<string> {
    return this.#matching(url)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Names of the cookies that would be sent to `url`. */
  async names(url: string): Promise<string[]> {
    return this.#matching(url).map((c) => c.name);
  }

  /** The cookies that would be sent to `url`, as name/value pairs (to keep a session across processes). */
  async pairs(url: string): Promise<{ name: string; value: string }[]> {
    return this.#matching(url).map((c) => ({ name: c.name, value: c.value }));
  }

  /** Forgets every cookie (the session ended or was rejected). */
  async clear(): Promise<void> {
    this.#cookies = [];
  }

  /** RFC 6265 §5.4: host, path, Secure, expiry; longer paths first, then older cookies first. */
  #matching(url: string): StoredCookie[] {
    const target = parseUrl(url);
    const now = this.#now();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
    return this.#cookies
      .filter((c) => c.host === target.host && pathMatches(target.path, c.path) && (!c.secure || target.secure))
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created);
  }
}

function parseUrl(url: string): { host: string; path: string; secure: boolean } {
  const parsed = new URL(url.replace(/^ws(s?):/, 'http$1:'));
  return { host: parsed.hostname.toLowerCase(), path: parsed.pathname || '/', secure: parsed.protocol === 'https:' };
}

function safeParseSetCookie(line: string): ReturnType<typeof parseSetCookie> | undefined {
  try {
    return parseSetCookie(line);
  } catch {
    return undefined;
  }
}

/** RFC 6265 §5.1.3, for a host we talk to: the host itself or a parent domain of it (not an IP's). */
function domainMatches(host: string, domain: string): boolean {
  const d = domain.replace(/^\./, '').toLowerCase();
  if (d === '') return false;
  if (host === d) return true;
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return !isIp && host.endsWith(`.${d}`);
}

/** RFC 6265 §5.1.4: the directory of the request path. */
function defaultPath(path: string): string {
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
