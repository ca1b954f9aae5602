import { describe, expect, it } from 'vitest';
import { createMemorySessionStore, currentSessionOwner, type SessionStore } from '../../src/session/session-store.js';
import { defaultBudgetStateFile, defaultSessionStoreFile, defaultStateDir } from '../../src/session/state-dir.js';
import { leakGuard } from '../support/leak-guard.js';

const SITE = 'https://sense.example.com:443|jwt';
const USER = 'CORP\\alice';
const COOKIE = 'memory-cookie-value-0123456789';
leakGuard.secret(COOKIE);

function fakeClock(start = Date.UTC(2026, 0, 1)): { now(): number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

function session(user = USER, value = COOKIE) {
  return { site: SITE, user, cookies: [{ name: 'X-Qlik-Session-jwt', value }], csrfToken: 'csrf-token-abcdef' };
}

describe('memory session store', () => {
  it('returns what was stored, stamped with the owner and the time', async () => {
    const clock = fakeClock();
    const store = createMemorySessionStore({ clock, owner: { uid: 1000, host: 'build-01' } });
    await store.set(session());
    expect(await store.get(SITE, USER)).toEqual({
      ...session(),
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
      owner: { uid: 1000, host: 'build-01' },
    });
    expect(await store.get(SITE, 'CORP\\bob')).toBeUndefined();
    expect(await store.get('https://other:443|jwt', USER)).toBeUndefined();
  });

  it('stamps the current uid and host by default', async () => {
    const store = createMemorySessionStore();
    await store.set(session());
    expect((await store.get(SITE, USER))?.owner).toEqual(currentSessionOwner());
    expect(currentSessionOwner().host).not.toBe('');
  });

  it('hands out copies: changing what get returned or what set was given changes nothing stored', async () => {
    const store = createMemorySessionStore();
    const input = session();
    await store.set(input);
    input.cookies[0]!.value = 'changed-after-set';
    const got = await store.get(SITE, USER);
    got!.cookies[0]!.value = 'changed-after-get';
    got!.lastSeenAt = 0;
    expect((await store.get(SITE, USER))?.cookies).toEqual([{ name: 'X-Qlik-Session-jwt', value: COOKIE }]);
    expect((await store.get(SITE, USER))?.lastSeenAt).not.toBe(0);
  });

  it('replaces the session of (site, user) on set, keeping the others', async () => {
    const store = createMemorySessionStore();
    await store.set(session(USER, 'first-cookie-value-000'));
    await store.set(session('CORP\\bob', 'bob-cookie-value-000'));
    await store.set(session(USER, 'second-cookie-value-000'));
    expect((await store.get(SITE, USER))?.cookies[0]?.value).toBe('second-cookie-value-000');
    expect((await store.list()).map((s) => s.user)).toEqual(['CORP\\alice', 'CORP\\bob']);
  });

  it('touch moves lastSeenAt forward only, and does nothing for an absent session', async () => {
    const clock = fakeClock();
    const store = createMemorySessionStore({ clock });
    await store.set(session());
    clock.advance(60_000);
    await store.touch(SITE, USER);
    expect((await store.get(SITE, USER))?.lastSeenAt).toBe(clock.now());
    await store.touch(SITE, USER, clock.now() - 30_000);
    expect((await store.get(SITE, USER))?.lastSeenAt).toBe(clock.now());
    expect((await store.get(SITE, USER))?.createdAt).toBe(clock.now() - 60_000);
    await store.touch(SITE, 'CORP\\nobody');
    expect(await store.list()).toHaveLength(1);
  });

  it('delete says whether there was a session', async () => {
    const store = createMemorySessionStore();
    await store.set(session());
    expect(await store.delete(SITE, USER)).toBe(true);
    expect(await store.delete(SITE, USER)).toBe(false);
    expect(await store.get(SITE, USER)).toBeUndefined();
  });

  it('lists sessions sorted by site, then user', async () => {
    const store = createMemorySessionStore();
    await store.set({ ...session('CORP\\zoe'), site: 'https://b:443|jwt' });
    await store.set({ ...session('CORP\\bob'), site: 'https://a:443|jwt' });
    await store.set({ ...session('CORP\\amy'), site: 'https://b:443|jwt' });
    expect((await store.list()).map((s) => `${s.site} ${s.user}`)).toEqual([
      'https://a:443|jwt CORP\\bob',
      'https://b:443|jwt CORP\\amy',
      'https://b:443|jwt CORP\\zoe',
    ]);
  });

  it('rejects bad input with a TypeError that names the field, never its value', async () => {
    const store = createMemorySessionStore();
    const secret = 'secret-with-semicolon;0123456789';
    leakGuard.secret(secret);
    const attempts: [unknown, string][] = [
      [{ ...session(), site: '' }, 'session store: site must be a non-empty string'],
      [{ ...session(), cookies: [] }, 'session store: session.cookies is not a non-empty array'],
      [
        { ...session(), cookies: [{ name: 'a=b', value: 'x' }] },
        'session store: session.cookies[0].name is not a cookie name',
      ],
      [session(USER, secret), 'session store: session.cookies[0].value is not a cookie value'],
      [
        { ...session(), csrfToken: 'a\nb' },
        'session store: session.csrfToken must be a non-empty string without line breaks',
      ],
      [
        { ...session(), createdAt: Number.NaN },
        'session store: session.createdAt must be a time in ms since the epoch',
      ],
    ];
    for (const [input, message] of attempts) {
      const error = await store.set(input as Parameters<SessionStore['set']>[0]).catch((e: unknown) => e);
      leakGuard.seeError(error);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(message);
    }
    await expect(store.get('', USER)).rejects.toThrow(new TypeError('session store: site must be a non-empty string'));
    expect(() => createMemorySessionStore({ owner: { host: '' } })).toThrow(
      new TypeError('createMemorySessionStore: options.owner: host is not a non-empty string'),
    );
  });

  it('withLock runs one holder of (site, user) at a time, and other keys in parallel', async () => {
    const store = createMemorySessionStore();
    const events: string[] = [];
    const job = (name: string, user: string, ms: number) =>
      store.withLock(SITE, user, async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name} out`);
        return name;
      });
    const results = await Promise.all([job('a1', USER, 30), job('a2', USER, 1), job('b', 'CORP\\bob', 1)]);
    expect(results).toEqual(['a1', 'a2', 'b']);
    expect(events).toEqual(['a1 in', 'b in', 'b out', 'a1 out', 'a2 in', 'a2 out']);
  });

  it('withLock is re-entrant for the same (site, user) and releases the lock when fn throws', async () => {
    const store = createMemorySessionStore();
    const nested = await store.withLock(SITE, USER, () => store.withLock(SITE, USER, async () => 'nested'));
    expect(nested).toBe('nested');
    await expect(
      store.withLock(SITE, USER, async () => {
        throw new Error('job failed');
      }),
    ).rejects.toThrow('job failed');
    await expect(store.withLock(SITE, USER, async () => 'after')).resolves.toBe('after');
  });

  it('withLock of a detached task that outlives its holder waits like anyone else', async () => {
    const store = createMemorySessionStore();
    let detached: Promise<string> | undefined;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    await store.withLock(SITE, USER, async () => {
      detached = (async () => {
        await new Promise((r) => setTimeout(r, 10));
        return store.withLock(SITE, USER, async () => 'detached');
      })();
    });
    const blocker = store.withLock(SITE, USER, () => gate.then(() => 'blocker'));
    const order: string[] = [];
    void detached!.then((v) => order.push(v));
    void blocker.then((v) => order.push(v));
    await new Promise((r) => setTimeout(r, 30));
    expect(order).toEqual([]);
    release();
    await Promise.all([detached, blocker]);
    expect(order).toEqual(['blocker', 'detached']);
  });
});

describe('defaultStateDir', () => {
  it('follows the platform conventions', () => {
    expect(defaultStateDir({ platform: 'linux', env: {}, homedir: '/home/alice' })).toBe(
      '/home/alice/.local/state/qixflow',
    );
    expect(defaultStateDir({ platform: 'linux', env: { XDG_STATE_HOME: '/srv/state' }, homedir: '/home/alice' })).toBe(
      '/srv/state/qixflow',
    );
    expect(defaultStateDir({ platform: 'darwin', env: {}, homedir: '/Users/alice' })).toBe(
      '/Users/alice/Library/Application Support/qixflow',
    );
    expect(
      defaultStateDir({
        platform: 'win32',
        env: { LOCALAPPDATA: 'C:\\Users\\alice\\AppData\\Local' },
        homedir: 'C:\\x',
      }),
    ).toBe('C:\\Users\\alice\\AppData\\Local\\qixflow');
    expect(defaultStateDir({ platform: 'win32', env: {}, homedir: 'C:\\Users\\alice' })).toBe(
      'C:\\Users\\alice\\AppData\\Local\\qixflow',
    );
  });

  it('ignores a relative or empty XDG_STATE_HOME, as the XDG spec says', () => {
    for (const XDG_STATE_HOME of ['state', '', '  ']) {
      expect(defaultStateDir({ platform: 'linux', env: { XDG_STATE_HOME }, homedir: '/home/alice' })).toBe(
        '/home/alice/.local/state/qixflow',
      );
    }
  });

  it('lets QIXFLOW_STATE_DIR override every platform', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(defaultStateDir({ platform, env: { QIXFLOW_STATE_DIR: '/tmp/qx', XDG_STATE_HOME: '/srv' } })).toBe(
        '/tmp/qx',
      );
    }
  });

  it('puts the session store and the budget state beside each other', () => {
    const where = { platform: 'linux' as const, env: {}, homedir: '/home/alice' };
    expect(defaultSessionStoreFile(where)).toBe('/home/alice/.local/state/qixflow/sessions.json');
    expect(defaultBudgetStateFile(where)).toBe('/home/alice/.local/state/qixflow/budget.json');
    expect(defaultBudgetStateFile({ platform: 'win32', env: { LOCALAPPDATA: 'D:\\L' } })).toBe(
      'D:\\L\\qixflow\\budget.json',
    );
  });
});
