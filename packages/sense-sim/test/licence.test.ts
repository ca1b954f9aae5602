import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, ManualClock, type Simulator } from '../src/index.js';
import { allowedOrigin, appUrl, handshake, http, openSocket, type SocketProbe } from './helpers.js';

async function connect(
  sim: Simulator,
  session: { cookie: string; csrf: string },
  prefixIndex = 0,
): Promise<SocketProbe> {
  return openSocket(sim, appUrl(sim, 'engineData', session.csrf, prefixIndex), {
    headers: { cookie: session.cookie },
    origin: allowedOrigin(sim),
  });
}

describe('professional licence: 5 parallel sessions per user, 5-minute cool-down', () => {
  let sim: Simulator;
  afterEach(() => sim?.close());

  it('denies the sixth session with OnMaxParallelSessionsExceeded, logs UsageDenied, and frees the slot only after the cool-down', async () => {
    const clock = new ManualClock(Date.now());
    sim = await createSimulator({ clock, virtualProxies: [{ prefix: 'jwt' }] });
    const user = { userId: 'pro', userDirectory: 'CORP' };
    const sessions = [];
    for (let i = 0; i < 6; i++) sessions.push(await handshake(sim, user));
    const sockets: SocketProbe[] = [];
    for (const s of sessions.slice(0, 5)) {
      const socket = await connect(sim, s);
      expect(await socket.next()).toMatchObject({ method: 'OnConnected' });
      sockets.push(socket);
    }
    const sixth = await connect(sim, sessions[5] ?? sessions[0]!);
    const denied = await sixth.next();
    expect(denied).toMatchObject({
      jsonrpc: '2.0',
      method: 'OnMaxParallelSessionsExceeded',
      params: { severity: 'fatal', message: 'Maximum number of parallel sessions exceeded' },
    });
    expect(denied).not.toHaveProperty('id');
    expect((await sixth.closed).code).toBe(1000);
    expect(sixth.frames.some((f) => f.method === 'OnConnected')).toBe(false);
    const usage = sim.audit.entries('usage-denied');
    expect(usage).toHaveLength(1);
    expect(usage[0]?.sessionCount).toBe(5);
    expect(usage[0]?.line).toMatch(
      /^Access was denied for User: 'CORP\\pro', .*SessionCount: '5', .*OperationType: 'UsageDenied'$/,
    );

    // A session that already holds a slot may open more sockets without using another one.
    const again = await connect(sim, sessions[0]!);
    expect(await again.next()).toMatchObject({ method: 'OnConnected' });
    again.ws.close();

    // Log one session out: its slot cools down for 5 minutes.
    expect((await http(sim, 'DELETE', '/jwt/qps/user', { cookie: sessions[0]!.cookie })).status).toBe(204);
    await sockets[0]?.closed;
    clock.advance(4 * 60_000 + 59_000);
    const tooEarly = await connect(sim, sessions[5]!);
    expect((await tooEarly.next()).method).toBe('OnMaxParallelSessionsExceeded');
    await tooEarly.closed;
    clock.advance(1_000);
    // (the user's other sockets keep the shared engine session alive: it attaches)
    const afterCooldown = await connect(sim, sessions[5]!);
    expect(await afterCooldown.next()).toMatchObject({
      method: 'OnConnected',
      params: { qSessionState: 'SESSION_ATTACHED' },
    });
    expect(sim.audit.entries('usage-denied')).toHaveLength(2);
    for (const s of [...sockets, afterCooldown]) s.ws.close();
  });

  it('counts sessions per user across virtual proxies and leaves other users alone', async () => {
    sim = await createSimulator({ virtualProxies: [{ prefix: 'a' }, { prefix: 'b', maxParallelSessions: 5 }] });
    const user = { userId: 'multi', userDirectory: 'CORP' };
    const opened: SocketProbe[] = [];
    for (let i = 0; i < 5; i++) {
      const proxy = i % 2;
      const socket = await connect(sim, await handshake(sim, user, proxy), proxy);
      expect((await socket.next()).method).toBe('OnConnected');
      opened.push(socket);
    }
    const over = await connect(sim, await handshake(sim, user, 1), 1);
    expect((await over.next()).method).toBe('OnMaxParallelSessionsExceeded');
    const other = await connect(sim, await handshake(sim, { userId: 'someone', userDirectory: 'CORP' }));
    expect((await other.next()).method).toBe('OnConnected');
    // the five sessions of the first user still work
    const stillThere = await opened[0]!.call('EngineVersion');
    expect(stillThere).toHaveProperty('result');
    for (const s of [...opened, other]) s.ws.close();
  });

  it('core-based access has no per-user limit', async () => {
    sim = await createSimulator({ virtualProxies: [{ prefix: 'core', licence: 'core-based' }] });
    const sockets: SocketProbe[] = [];
    for (let i = 0; i < 8; i++) {
      const socket = await connect(sim, await handshake(sim, { userId: 'svc', userDirectory: 'CORP' }));
      expect((await socket.next()).method).toBe('OnConnected');
      sockets.push(socket);
    }
    expect(sim.audit.entries('usage-denied')).toHaveLength(0);
    for (const s of sockets) s.ws.close();
  });
});
