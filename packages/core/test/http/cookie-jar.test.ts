import { describe, expect, it } from 'vitest';
import { SiteCookies } from '../../src/http/cookie-jar.js';

const SITE = 'https://sense.example.com/jwt/qps/csrftoken';

describe("the site's cookie jar", () => {
  it('sends the session cookie back to the host that set it, on websocket URLs too', async () => {
    const jar = new SiteCookies();
    expect(await jar.store(SITE, 'X-Qlik-Session-jwt=abc; Path=/; HttpOnly; Secure; SameSite=None')).toEqual([
      'X-Qlik-Session-jwt',
    ]);
    expect(await jar.header('https://sense.example.com/jwt/qrs/about?xrfkey=x')).toBe('X-Qlik-Session-jwt=abc');
    expect(await jar.header('wss://sense.example.com/jwt/app/123')).toBe('X-Qlik-Session-jwt=abc');
    expect(await jar.pairs('https://sense.example.com/')).toEqual([{ name: 'X-Qlik-Session-jwt', value: 'abc' }]);
  });

  it('never sends a cookie to another host, not even a sibling the Domain attribute names', async () => {
    const jar = new SiteCookies();
    await jar.store(SITE, ['a=1; Path=/; Domain=example.com', 'b=2; Path=/']);
    expect(await jar.header('https://other.example.com/')).toBe('');
    expect(await jar.header('https://evil.test/')).toBe('');
    expect(await jar.names('https://sense.example.com/')).toEqual(['a', 'b']);
  });

  it('refuses a cookie for a domain the host is not in', async () => {
    const jar = new SiteCookies();
    expect(await jar.store(SITE, 'a=1; Domain=evil.test; Path=/')).toEqual([]);
    expect(await jar.store('https://127.0.0.1:4431/', 'a=1; Domain=0.0.1; Path=/')).toEqual([]);
    expect(await jar.header('https://sense.example.com/')).toBe('');
  });

  it('keeps Secure cookies off plain connections and honours Path (default: the request directory)', async () => {
    const jar = new SiteCookies();
    await jar.store(SITE, ['s=1; Path=/; Secure', 'p=2; Path=/jwt', 'd=3']);
    expect(await jar.header('http://sense.example.com/jwt/x')).toBe('p=2');
    expect(await jar.header('https://sense.example.com/jwt/qps/user')).toBe('d=3; p=2; s=1');
    expect(await jar.header('https://sense.example.com/jwtx')).toBe('s=1');
    expect(await jar.header('https://sense.example.com/other')).toBe('s=1');
  });

  it('forgets expired cookies, and a Set-Cookie with Max-Age=0 deletes one', async () => {
    let now = 1_000_000;
    const jar = new SiteCookies(() => now);
    await jar.store(SITE, ['short=1; Path=/; Max-Age=10', 'long=2; Path=/; Expires=Wed, 01 Jan 2100 00:00:00 GMT']);
    expect(await jar.header(SITE)).toBe('short=1; long=2');
    now += 11_000;
    expect(await jar.header(SITE)).toBe('long=2');
    await jar.store(SITE, 'long=; Path=/; Max-Age=0');
    expect(await jar.header(SITE)).toBe('');
  });

  it('replaces a cookie of the same name and path, takes seeded cookies and forgets all on clear', async () => {
    const jar = new SiteCookies();
    await jar.store(SITE, 'X-Qlik-Session-jwt=old; Path=/');
    await jar.store(SITE, 'X-Qlik-Session-jwt=new; Path=/');
    expect(await jar.header(SITE)).toBe('X-Qlik-Session-jwt=new');
    await jar.seed('https://sense.example.com', 'eas.sid=s1; _csrfToken=t2');
    expect(await jar.names(SITE)).toEqual(['X-Qlik-Session-jwt', 'eas.sid', '_csrfToken']);
    await jar.clear();
    expect(await jar.header(SITE)).toBe('');
    expect(await jar.store(SITE, ['garbage without equals', '=novalue'])).toEqual([]);
  });
});
