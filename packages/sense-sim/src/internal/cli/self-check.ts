import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { importPKCS8, SignJWT } from 'jose';
import { WebSocket } from 'ws';
import type { Simulator } from '../../create-simulator.js';

/** What the self-check saw, without any secret. */
export interface SelfCheckResult {
  cookieName: string;
  csrfToken: boolean;
  engineVersion: string;
  sessionState: string;
}

/**
 * Proves a running simulator works end to end the way a client will use it: signs a JWT, does
 * the handshake on /qps/csrftoken, opens the engine websocket with cookie + CSRF token + Origin
 * and asks EngineVersion.
 */
export async function selfCheck(
  sim: Simulator,
  user = { userId: 'demo', userDirectory: 'DEMO' },
): Promise<SelfCheckResult> {
  const proxy = sim.proxies[0];
  if (!proxy) throw new Error('the simulator has no virtual proxy');
  const key = await importPKCS8(sim.keys.privateKey, 'RS256');
  const jwt = await new SignJWT({
    [proxy.userIdAttribute]: user.userId,
    [proxy.userDirectoryAttribute]: user.userDirectory,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1m')
    .setJti(randomUUID())
    .sign(key);
  const { headers, status } = await get(sim, `${proxy.url}/qps/csrftoken`, { authorization: `Bearer ${jwt}` });
  if (status !== 200) throw new Error(`handshake answered ${status}`);
  const setCookie = (headers['set-cookie'] ?? []).find((l) => l.startsWith(`${proxy.cookieName}=`));
  const cookie = setCookie?.split(';')[0];
  const csrf = headers['qlik-csrf-token'];
  if (!cookie) throw new Error('handshake set no session cookie');
  const url = `${proxy.wsUrl}engineData${typeof csrf === 'string' ? `?qlik-csrf-token=${encodeURIComponent(csrf)}` : ''}`;
  const ws = new WebSocket(url, { ca: sim.ca, headers: { cookie }, origin: sim.url.replace('127.0.0.1', 'localhost') });
  try {
    const frames: Record<string, unknown>[] = [];
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('close', (code) => reject(new Error(`websocket closed (${code})`)));
      ws.on('open', () =>
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, handle: -1, method: 'EngineVersion', params: [] })),
      );
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Record<string, unknown>;
        frames.push(frame);
        if (frame.id === 1) resolve(frame);
      });
    });
    const connected = frames.find((f) => f.method === 'OnConnected') as
      | { params?: { qSessionState?: string } }
      | undefined;
    const version = (answer.result as { qVersion?: { qComponentVersion?: string } } | undefined)?.qVersion
      ?.qComponentVersion;
    return {
      cookieName: proxy.cookieName,
      csrfToken: typeof csrf === 'string',
      engineVersion: version ?? '(none)',
      sessionState: connected?.params?.qSessionState ?? '(none)',
    };
  } finally {
    ws.close();
  }
}

function get(
  sim: Simulator,
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: { 'set-cookie'?: string[] | undefined; [k: string]: string | string[] | undefined };
}> {
  const send = sim.https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { headers, ca: sim.ca }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
