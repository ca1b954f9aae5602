import { CookieJar } from 'tough-cookie';

/**
 * The site's cookies. A well-kept cookie library decides which cookie goes to which URL (domain,
 * path, Secure, expiry), so the proxy's session cookie is sent only to the origin that set it.
 * Websocket URLs are matched as their HTTP counterparts.
 */
export class SiteCookies {
  #jar = new CookieJar();

  /** Stores the Set-Cookie headers of an answer from `url`; returns the names stored. */
  async store(url: string, setCookie: string | string[] | undefined): Promise<string[]> {
    const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
    const names: string[] = [];
    for (const line of lines) {
      const cookie = await this.#jar.setCookie(line, httpUrl(url), { ignoreError: true });
      if (cookie) names.push(cookie.key);
    }
    return names;
  }

  /** Adds cookies the caller already holds (`name=value; name2=value2`) for `url`. */
  async seed(url: string, header: string): Promise<void> {
    for (const part of header.split(';')) {
      const text = part.trim();
      if (text.includes('=')) await this.#jar.setCookie(`${text}; Path=/`, httpUrl(url), { ignoreError: true });
    }
  }

  /** The Cookie header for a request to `url` (name=value pairs only). */
  async header(url: string): Promise<string> {
    return this.#jar.getCookieString(httpUrl(url));
  }

  /** Names of the cookies that would be sent to `url`. */
  async names(url: string): Promise<string[]> {
    const cookies = await this.#jar.getCookies(httpUrl(url));
    return cookies.map((c) => c.key);
  }

  /** The cookies that would be sent to `url`, as name/value pairs (to keep a session across processes). */
  async pairs(url: string): Promise<{ name: string; value: string }[]> {
    const cookies = await this.#jar.getCookies(httpUrl(url));
    return cookies.map((c) => ({ name: c.key, value: c.value }));
  }

  /** Forgets every cookie (the session ended or was rejected). */
  async clear(): Promise<void> {
    this.#jar = new CookieJar();
  }
}

function httpUrl(url: string): string {
  return url.replace(/^ws(s?):/, 'http$1:');
}
