import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QixflowError } from '../../src/errors.js';
import { createFileSessionStore } from '../../src/session/file-session-store.js';
import { currentSessionOwner } from '../../src/session/session-store.js';
import { leakGuard } from '../support/leak-guard.js';

const SITE = 'https://sense.example.com:443|jwt';
const USER = 'CORP\\alice';
const COOKIE = 'file-store-cookie-9f8e7d6c5b4a';
const CSRF = 'file-store-csrf-1a2b3c4d5e6f';
leakGuard.secret(COOKIE);
leakGuard.secret(CSRF);

// Until errors.ts lists the ERR_SESSION_STORE_* codes, the store throws its interim code
// (see file-session-store.ts); the messages tell the cases apart.
const CORRUPT_CODE = 'ERR_SESSION_STORE_CORRUPT';
const INSECURE_CODE = 'ERR_SESSION_STORE_INSECURE';

const posix = process.platform !== 'win32';
const root = posix && process.getuid?.() === 0;

function session(user = USER) {
  return { site: SITE, user, cookies: [{ name: 'X-Qlik-Session-jwt', value: COOKIE }], csrfToken: CSRF };
}

async function rejection(promise: Promise<unknown>): Promise<QixflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QixflowError);
  leakGuard.seeError(error);
  return error as QixflowError;
}

/** Everything a user could be shown of an error: it must not contain a stored secret. */
function expectNoSecret(error: QixflowError): void {
  const shown = [error.message, String(error.stack), JSON.stringify(error), String(error.cause ?? '')].join('\n');
  expect(shown).not.toContain(COOKIE);
  expect(shown).not.toContain(CSRF);
}

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-store-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('file session store', () => {
  it('round-trips a session through a new store object, as the next process would', async () => {
    const clock = { now: () => Date.UTC(2026, 0, 1) };
    await createFileSessionStore({ dir, clock }).set(session());
    const next = createFileSessionStore({ dir });
    expect(next.file).toBe(join(dir, 'sessions.json'));
    expect(await next.get(SITE, USER)).toEqual({
      ...session(),
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
      owner: currentSessionOwner(),
    });
    await next.touch(SITE, USER, clock.now() + 5000);
    expect((await createFileSessionStore({ dir }).get(SITE, USER))?.lastSeenAt).toBe(clock.now() + 5000);
    expect((await next.list()).map((s) => s.user)).toEqual([USER]);
    expect(await next.delete(SITE, USER)).toBe(true);
    expect(await next.delete(SITE, USER)).toBe(false);
    expect(await createFileSessionStore({ dir }).get(SITE, USER)).toBeUndefined();
  });

  it('reads a missing file as empty and writes nothing until a session is stored', async () => {
    const store = createFileSessionStore({ dir: join(dir, 'state') });
    expect(await store.get(SITE, USER)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.delete(SITE, USER)).toBe(false);
    expect(await readdir(join(dir, 'state'))).toEqual([]);
  });

  it('loses no update when one process stores many sessions at once', async () => {
    const store = createFileSessionStore({ dir });
    const other = createFileSessionStore({ dir });
    const users = Array.from({ length: 20 }, (_, i) => `CORP\\user${String(i).padStart(2, '0')}`);
    await Promise.all(users.map((u, i) => (i % 2 === 0 ? store : other).set(session(u))));
    expect((await store.list()).map((s) => s.user)).toEqual(users);
    // Atomic writes: no temp file or lock is left behind.
    expect(await readdir(dir)).toEqual(['sessions.json']);
  });

  it.skipIf(!posix)('creates the directory 0700 and the file 0600', async () => {
    const stateDir = join(dir, 'nested', 'qixflow');
    await createFileSessionStore({ dir: stateDir }).set(session());
    expect(await mode(stateDir)).toBe(0o700);
    expect(await mode(join(stateDir, 'sessions.json'))).toBe(0o600);
  });

  it.skipIf(!posix)('narrows an existing 0644 file and 0755 directory to 0600 and 0700', async () => {
    const stateDir = join(dir, 'qixflow');
    await createFileSessionStore({ dir: stateDir }).set(session());
    await chmod(stateDir, 0o755);
    await chmod(join(stateDir, 'sessions.json'), 0o644);
    // A reader fixes it too, not only a writer.
    expect((await createFileSessionStore({ dir: stateDir }).get(SITE, USER))?.cookies[0]?.value).toBe(COOKIE);
    expect(await mode(stateDir)).toBe(0o700);
    expect(await mode(join(stateDir, 'sessions.json'))).toBe(0o600);
  });

  it('refuses a store file that is a symbolic link, and writes nothing through it', async () => {
    const elsewhere = join(dir, 'elsewhere.json');
    await writeFile(elsewhere, '{"version":1,"sessions":[]}\n');
    const stateDir = join(dir, 'qixflow');
    await mkdir(stateDir, { mode: 0o700 });
    await symlink(elsewhere, join(stateDir, 'sessions.json'));
    const store = createFileSessionStore({ dir: stateDir });
    // Started one at a time: a promise created early would reject unobserved while an earlier one is awaited.
    for (const attempt of [() => store.get(SITE, USER), () => store.set(session()), () => store.list()]) {
      const error = await rejection(attempt());
      expect(error.code).toBe(INSECURE_CODE);
      expect(error.message).toBe(
        `The session store file ${join(stateDir, 'sessions.json')} is a symbolic link: qixflow keeps sessions only in a private file of yours. Remove the link.`,
      );
    }
    expect(await readFile(elsewhere, 'utf8')).toBe('{"version":1,"sessions":[]}\n');
  });

  it('refuses a store directory that is a symbolic link', async () => {
    const real = join(dir, 'real');
    await mkdir(real, { mode: 0o700 });
    await symlink(real, join(dir, 'linked'));
    const error = await rejection(createFileSessionStore({ dir: join(dir, 'linked') }).set(session()));
    expect(error.code).toBe(INSECURE_CODE);
    expect(error.message).toBe(
      `The session store directory ${join(dir, 'linked')} is a symbolic link: qixflow keeps sessions only in a private file of yours. Replace it with a directory, or choose another one.`,
    );
    expect(await readdir(real)).toEqual([]);
  });

  it.skipIf(!root)('refuses a file or directory owned by another uid', async () => {
    const stateDir = join(dir, 'qixflow');
    await createFileSessionStore({ dir: stateDir }).set(session());
    await chown(join(stateDir, 'sessions.json'), 4242, 4242);
    let error = await rejection(createFileSessionStore({ dir: stateDir }).get(SITE, USER));
    expect(error.code).toBe(INSECURE_CODE);
    expect(error.message).toBe(
      `The session store file ${join(stateDir, 'sessions.json')} is owned by uid 4242, not by you (uid 0): qixflow keeps sessions only in a private file of yours. Remove it.`,
    );
    expectNoSecret(error);
    await chown(stateDir, 4242, 4242);
    error = await rejection(createFileSessionStore({ dir: stateDir }).get(SITE, USER));
    expect(error.message).toBe(
      `The session store directory ${stateDir} is owned by uid 4242, not by you (uid 0): qixflow keeps sessions only in a private file of yours. Choose a directory of your own.`,
    );
  });

  it('never returns a session written by another user or host, nor overwrites or deletes it', async () => {
    const otherHost = createFileSessionStore({ dir, owner: { uid: process.getuid?.() ?? 0, host: 'other-host' } });
    const otherUser = createFileSessionStore({ dir, owner: { uid: 4242, host: currentSessionOwner().host } });
    await otherHost.set(session());
    await otherUser.set(session());
    const mine = createFileSessionStore({ dir });
    expect(await mine.get(SITE, USER)).toBeUndefined();
    expect(await mine.list()).toEqual([]);
    expect(await mine.delete(SITE, USER)).toBe(false);
    await mine.touch(SITE, USER, Date.now() + 60_000);

    await mine.set({ ...session(), cookies: [{ name: 'X-Qlik-Session-jwt', value: 'mine-cookie-value-000' }] });
    expect((await mine.get(SITE, USER))?.cookies[0]?.value).toBe('mine-cookie-value-000');
    expect((await otherHost.get(SITE, USER))?.cookies[0]?.value).toBe(COOKIE);
    expect((await otherUser.get(SITE, USER))?.cookies[0]?.value).toBe(COOKIE);
    expect((await otherHost.get(SITE, USER))?.lastSeenAt).toBeLessThan(Date.now() + 60_000);
  });

  it('ignores a hand-edited entry whose owner is another host', async () => {
    const foreign = {
      ...session(),
      createdAt: 1,
      lastSeenAt: 2,
      owner: { ...currentSessionOwner(), host: 'elsewhere' },
    };
    await writeFile(join(dir, 'sessions.json'), JSON.stringify({ version: 1, sessions: [foreign] }), { mode: 0o600 });
    expect(await createFileSessionStore({ dir }).get(SITE, USER)).toBeUndefined();
  });

  describe('a corrupt file', () => {
    const cases: [string, string, string][] = [
      [
        'truncated JSON',
        `{"version":1,"sessions":[{"site":"${SITE}","cookies":[{"name":"X-Qlik-Session-jwt","value":"${COOKIE}"`,
        'not valid JSON',
      ],
      // V8 quotes the start of such text in its JSON.parse message: the error must not pass it on.
      ['a pasted cookie header', `X-Qlik-Session-jwt=${COOKIE}`, 'not valid JSON'],
      [
        'a newer format',
        JSON.stringify({ version: 2, sessions: [{ secret: COOKIE }] }),
        'format version 2, written by a newer qixflow',
      ],
      ['no version', JSON.stringify({ sessions: [] }), 'no supported format version'],
      ['an array', JSON.stringify([COOKIE]), 'not a session store object'],
      ['no sessions list', JSON.stringify({ version: 1, sessions: COOKIE }), 'no sessions list'],
      [
        'a cookie of the wrong type',
        JSON.stringify({ version: 1, sessions: [{ ...session(), cookies: [{ name: COOKIE, value: 42 }] }] }),
        'sessions[0]: cookies[0].value is not a cookie value',
      ],
      [
        'a session without an owner',
        JSON.stringify({ version: 1, sessions: [{ ...session(), createdAt: 1, lastSeenAt: 1 }] }),
        'sessions[0]: owner: is not an object',
      ],
    ];

    it.each(cases)(
      '(%s) is a typed error naming the file and the recovery, quoting nothing',
      async (_, text, reason) => {
        const file = join(dir, 'sessions.json');
        await writeFile(file, text, { mode: 0o600 });
        const store = createFileSessionStore({ dir });
        for (const attempt of [
          () => store.get(SITE, USER),
          () => store.list(),
          () => store.set(session()),
          () => store.delete(SITE, USER),
        ]) {
          const error = await rejection(attempt());
          expect(error.code).toBe(CORRUPT_CODE);
          expect(error.message).toBe(
            `The session store ${file} is corrupt (${reason}). Delete it or run \`qixflow logout --all\`: ` +
              'the sessions it held are forgotten and end at the proxy’s inactivity timeout.',
          );
          expect(error.cause).toBeUndefined();
          expectNoSecret(error);
        }
        // Left as it was, for the user to inspect or delete.
        expect(await readFile(file, 'utf8')).toBe(text);
      },
    );

    it("with onCorrupt: 'reset' reads as empty and is replaced by the next write", async () => {
      const file = join(dir, 'sessions.json');
      await writeFile(file, `{"version":1,"sessions":[{"cookies":"${COOKIE}`, { mode: 0o600 });
      const store = createFileSessionStore({ dir, onCorrupt: 'reset' });
      expect(await store.get(SITE, USER)).toBeUndefined();
      expect(await store.list()).toEqual([]);
      // Even a change that finds nothing to change repairs the file.
      expect(await store.delete(SITE, USER)).toBe(false);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, sessions: [] });
      await store.set(session());
      expect((await createFileSessionStore({ dir }).get(SITE, USER))?.csrfToken).toBe(CSRF);
    });
  });

  it('reports an unusable location naming the path and the errno code only', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const error = await rejection(createFileSessionStore({ dir: join(blocker, 'qixflow') }).set(session()));
    expect(error.code).toBe('ERR_SESSION_STORE_IO');
    expect(error.message).toBe(`Cannot create the session store directory ${join(blocker, 'qixflow')} (ENOTDIR)`);
  });

  it('validates its options with a TypeError naming the option', () => {
    expect(() => createFileSessionStore({ dir: '' })).toThrow(
      new TypeError('createFileSessionStore: options.dir must be a non-empty string'),
    );
    expect(() => createFileSessionStore({ dir, file: join(dir, 'x.json') })).toThrow(
      new TypeError('createFileSessionStore: give options.dir or options.file, not both'),
    );
    expect(() => createFileSessionStore({ lockStaleMs: 500 })).toThrow(
      new TypeError('createFileSessionStore: options.lockStaleMs must be a number >= 2000 (got 500)'),
    );
    expect(() => createFileSessionStore({ onCorrupt: 'ignore' as 'reset' })).toThrow(
      new TypeError("createFileSessionStore: options.onCorrupt must be 'throw' or 'reset'"),
    );
  });

  it('never logs: nothing reaches the console or stdio, also when it fails', async () => {
    const written: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        written.push(args.map(String).join(' '));
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }
    const store = createFileSessionStore({ dir });
    await store.withLock(SITE, USER, async () => {
      await store.set(session());
      await store.get(SITE, USER);
      await store.touch(SITE, USER);
    });
    await store.list();
    await writeFile(join(dir, 'sessions.json'), `{"cookies":"${COOKIE}`);
    await store.get(SITE, USER).catch(() => undefined);
    await store.delete(SITE, USER).catch(() => undefined);
    expect(written).toEqual([]);
  });

  it('withLock runs nested store operations and re-entrant calls without deadlock', async () => {
    const store = createFileSessionStore({ dir });
    const result = await store.withLock(SITE, USER, async () => {
      await store.set(session());
      return store.withLock(SITE, USER, async () => (await store.get(SITE, USER))?.csrfToken);
    });
    expect(result).toBe(CSRF);
    expect(await readdir(dir)).toEqual(['sessions.json']);
  });
});
