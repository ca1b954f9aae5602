import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QixflowError } from '../../src/errors.js';
import { createFileSessionStore } from '../../src/session/file-session-store.js';

const SITE = 'https://sense.example.com:443|jwt';
const USER = 'CORP\\alice';
const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, 'support/session-store-child.ts');
const repoRoot = join(here, '../../../..');

interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Resolves once stdout has printed `line`. */
  printed(line: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--conditions=@qixflow/source', '--import', 'tsx', childScript, ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    exited,
    printed: (line) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (stdout.split('\n').includes(line)) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
        void exited.then(({ code }) => reject(new Error(`child exited (${code}) before printing ${line}: ${stderr}`)));
      }),
  };
}

let dir: string;
const children: Child[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-store-proc-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('file session store across processes', () => {
  it('serialises withLock across 8 processes: each read-sleep-write sees the previous one, no update lost', async () => {
    const file = join(dir, 'sessions.json');
    const started = Array.from({ length: 8 }, () => startChild(['increment', file, '25']));
    children.push(...started);
    await Promise.all(started.map((c) => c.printed('ready')));
    // All released at once, so the 8 compete for the lock at the same moment.
    for (const c of started) c.process.stdin.write('go\n');
    const results = await Promise.all(started.map((c) => c.exited));

    expect(results.map((r) => [r.code, r.stderr])).toEqual(started.map(() => [0, '']));
    const stored = await createFileSessionStore({ file }).get(SITE, USER);
    expect(stored?.csrfToken).toBe('8');
    // Nothing left behind: no temp file, no lock, no overlap marker.
    expect(await readdir(dir)).toEqual(['sessions.json']);
  }, 90_000);

  it('waits for a live holder, and takes over the lock of a SIGKILLed one after lockStaleMs', async () => {
    const file = join(dir, 'sessions.json');
    const holder = startChild(['hold', file]);
    children.push(holder);
    await holder.printed('locked');

    const impatient = createFileSessionStore({ file, lockStaleMs: 2000, lockWaitMs: 300 });
    const error = await impatient
      .withLock(SITE, USER, async () => 'entered')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(QixflowError);
    expect((error as QixflowError).code).toBe('ERR_TIMEOUT');
    expect((error as QixflowError).message).toMatch(
      /^Waited 0 s for the session lock of CORP\\alice on https:\/\/sense\.example\.com:443\|jwt \(.+\.lock\): another process is signing in or checking that session\. A lock left by a killed process counts as stale after 2 s\.$/,
    );

    holder.process.kill('SIGKILL');
    await holder.exited;
    const store = createFileSessionStore({ file, lockStaleMs: 2000, lockWaitMs: 10_000 });
    const start = Date.now();
    await expect(store.withLock(SITE, USER, async () => 'entered')).resolves.toBe('entered');
    // Stale after 2 s since the holder's last refresh (every 1 s), plus polling.
    expect(Date.now() - start).toBeLessThan(5000);
    // The dead holder's lock was taken over and released: nothing is left in the directory.
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
