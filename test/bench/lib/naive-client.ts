/**
 * The naive way, as the enigma.js JWT example does it: sign a JWT, do the proxy handshake, open a
 * plain enigma.js session with the cookie — a new proxy session every time. The baseline that the
 * core and lineage suites compare qixflow with.
 */
import { randomUUID } from 'node:crypto';
import enigma from 'enigma.js';
import schema from 'enigma.js/schemas/12.2027.0.json' with { type: 'json' };
import { importPKCS8, SignJWT } from 'jose';
import { Pool } from 'undici';
import { WebSocket } from 'ws';

/** A plain enigma.js object: method name → promise-returning function. */
export type PlainEnigmaObject = Record<string, (...args: unknown[]) => Promise<unknown>>;

export interface NaiveClient {
  /** A new proxy session: sign a JWT, GET /<prefix>/qps/csrftoken, keep cookie + CSRF token. */
  login(userId: string): Promise<{ cookie: string; csrf: string }>;
  /** A plain enigma.js session on `app` through the proxy, authenticated by `cookie`. */
  enigmaSession(
    app: string,
    cookie: string,
    csrf: string,
    identity: string,
    options?: { delta?: boolean },
  ): ReturnType<typeof enigma.create>;
  close(): Promise<void>;
}

export async function createNaiveClient(options: {
  url: string;
  ca: string;
  privateKey: string;
  prefix: string;
}): Promise<NaiveClient> {
  const { url, ca, prefix } = options;
  const origin = url.replace('127.0.0.1', 'localhost');
  const key = await importPKCS8(options.privateKey, 'RS256');
  const pool = new Pool(url, { connections: 4, connect: { ca } });
  return {
    async login(userId) {
      const jwt = await new SignJWT({ userId, userDirectory: 'BENCH' })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(randomUUID())
        .sign(key);
      const res = await pool.request({
        path: `/${prefix}/qps/csrftoken`,
        method: 'GET',
        headers: { authorization: `Bearer ${jwt}` },
      });
      await res.body.dump();
      const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
      return { cookie, csrf: String(res.headers['qlik-csrf-token']) };
    },
    enigmaSession(app, cookie, csrf, identity, options = {}) {
      return enigma.create({
        schema,
        protocol: { delta: options.delta !== false },
        url: `${url.replace('https', 'wss')}/${prefix}/app/${app}/identity/${identity}?qlik-csrf-token=${encodeURIComponent(csrf)}`,
        createSocket: (socketUrl: string) =>
          new WebSocket(socketUrl, { ca, origin, headers: { cookie } }) as unknown as globalThis.WebSocket,
      });
    },
    close: () => pool.close(),
  };
}
