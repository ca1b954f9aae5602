import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Simulator } from '@qixflow/sense-sim';
import { importPKCS8, SignJWT } from 'jose';
import { leakGuard } from './leak-guard.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP(S) request; resolves with the answer. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string | undefined },
) {
  return new Promise<Answer>((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A tenant login without qixflow: the cookies, to list the webhooks as an admin would. */
export async function tenantCookies(sim: Simulator): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    iss: 'https://idp.example',
    aud: 'qlik.api/login/jwt-session',
    sub: 'auth0|admin',
    subType: 'user',
    name: 'Admin',
    email: 'admin@example.com',
    email_verified: true,
    jti: randomUUID(),
    iat: now,
    nbf: now - 5,
    exp: now + 300,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'kid-1', typ: 'JWT' })
    .sign(await importPKCS8(sim.keys.privateKey, 'RS256'));
  leakGuard.secret(jwt);
  const answer = await send(`${sim.url}/login/jwt-session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}` },
    ca: sim.ca,
  });
  const lines = answer.headers['set-cookie'] as string[];
  const cookie = lines.map((l) => l.split(';')[0]).join('; ');
  for (const part of cookie.split('; ')) leakGuard.secret(part.split('=')[1]);
  return cookie;
}

/** Starts a reload through the tenant's `POST /api/v1/reloads` (as another client would); its id. */
export async function startCloudReload(sim: Simulator, cookie: string, appId: string): Promise<string> {
  const csrf = await send(`${sim.url}/api/v1/csrf-token`, { headers: { cookie }, ca: sim.ca });
  const token = String(csrf.headers['qlik-csrf-token']);
  leakGuard.secret(token);
  const answer = await send(`${sim.url}/api/v1/reloads`, {
    method: 'POST',
    headers: { cookie, 'qlik-csrf-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ appId }),
    ca: sim.ca,
  });
  if (answer.status !== 201) throw new Error(`POST /api/v1/reloads answered ${answer.status}`);
  return (JSON.parse(answer.body) as { id: string }).id;
}
