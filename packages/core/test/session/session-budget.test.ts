import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QixflowError } from '../../src/errors.js';
import { createSessionBudget, type SessionBudget } from '../../src/session/session-budget.js';

const KEY = 'https://sense.example.com|jwt|CORP\\alice';
const here = dirname(fileURLToPath(import.meta.url));
const budgetModule = join(here, '../../src/session/session-budget.ts');
const repoRoot = join(here, '../../../..');

function fakeClock(start = Date.UTC(2025, 0, 1)): { now(): number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<QixflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QixflowError);
  return error as QixflowError;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-budget-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The same behaviour is expected from both implementations.
const kinds: [string, (o: { maxSessions: number; windowMs: number; clock: { now(): number } }) => SessionBudget][] = [
  ['in memory', (o) => createSessionBudget(o)],
  ['file-backed', (o) => createSessionBudget({ ...o, stateFile: join(dir, 'budget.json') })],
];

describe.each(kinds)('session budget (%s)', (_name, make) => {
  it('refuses the session over the limit with ERR_SESSION_BUDGET_EXHAUSTED, the count and the retry time', async () => {
    const clock = fakeClock();
    const budget = make({ maxSessions: 2, windowMs: 300_000, clock });
    await budget.acquire(KEY);
    clock.advance(60_000);
    await budget.acquire(KEY);
    clock.advance(30_000);
    const error = await rejection(budget.acquire(KEY));
    expect(error.code).toBe('ERR_SESSION_BUDGET_EXHAUSTED');
    expect(error.retryAt).toBe(Date.UTC(2025, 0, 1, 0, 5, 0));
    expect(error.message).toBe(
      'Session budget exhausted for https://sense.example.com|jwt|CORP\\alice: 2 of 2 new sessions used in the ' +
        'last 300 s; the next slot frees up at 2025-01-01T00:05:00.000Z (in 210 s). ' +
        'Re-use the site (one session per user) or raise budget.maxSessions if the licence allows it.',
    );
    expect(await budget.peek(KEY)).toEqual({ used: 2, limit: 2, retryAt: Date.UTC(2025, 0, 1, 0, 5, 0) });
  });

  it('frees slots one by one as each session leaves the sliding window', async () => {
    const clock = fakeClock(0);
    const budget = make({ maxSessions: 3, windowMs: 1000, clock });
    await budget.acquire(KEY); // t=0
    clock.advance(100);
    await budget.acquire(KEY); // t=100
    clock.advance(100);
    await budget.acquire(KEY); // t=200
    clock.advance(799); // t=999: nothing has expired yet
    expect((await rejection(budget.acquire(KEY))).retryAt).toBe(1000);
    clock.advance(1); // t=1000: only the first slot is free (a fixed bucket would free all three)
    expect(await budget.peek(KEY)).toEqual({ used: 2, limit: 3, retryAt: undefined });
    await budget.acquire(KEY);
    expect((await rejection(budget.acquire(KEY))).retryAt).toBe(1100);
    clock.advance(100); // t=1100: the second one
    await budget.acquire(KEY);
    expect((await rejection(budget.acquire(KEY))).retryAt).toBe(1200);
  });

  it('keeps keys independent', async () => {
    const budget = make({ maxSessions: 1, windowMs: 60_000, clock: fakeClock() });
    await budget.acquire(KEY);
    await budget.acquire('https://sense.example.com|jwt|CORP\\bob');
    await budget.acquire('https://sense.example.com|other|CORP\\alice');
    expect((await rejection(budget.acquire(KEY))).code).toBe('ERR_SESSION_BUDGET_EXHAUSTED');
    expect(await budget.peek('https://sense.example.com|jwt|CORP\\carol')).toEqual({
      used: 0,
      limit: 1,
      retryAt: undefined,
    });
  });

  it('grants exactly the limit to many concurrent acquires in one process', async () => {
    const budget = make({ maxSessions: 4, windowMs: 60_000, clock: fakeClock() });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => budget.acquire(KEY)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as QixflowError).code).toBe('ERR_SESSION_BUDGET_EXHAUSTED');
    }
    expect((await budget.peek(KEY)).used).toBe(4);
  });
});

describe('createSessionBudget options', () => {
  it('defaults to 5 sessions per 300 s', async () => {
    const budget = createSessionBudget({ clock: fakeClock() });
    for (let i = 0; i < 5; i++) await budget.acquire(KEY);
    const error = await rejection(budget.acquire(KEY));
    expect(error.message).toContain('5 of 5 new sessions used in the last 300 s');
  });

  it('rejects bad options and keys with a TypeError', async () => {
    expect(() => createSessionBudget({ maxSessions: 0 })).toThrow(
      new TypeError('options.maxSessions must be an integer >= 1 (got 0)'),
    );
    expect(() => createSessionBudget({ maxSessions: 1.5 })).toThrow(
      new TypeError('options.maxSessions must be an integer >= 1 (got 1.5)'),
    );
    expect(() => createSessionBudget({ windowMs: -1 })).toThrow(
      new TypeError('options.windowMs must be a number > 0 (got -1)'),
    );
    expect(() => createSessionBudget({ stateFile: '' })).toThrow(
      new TypeError('options.stateFile must be a non-empty string'),
    );
    await expect(createSessionBudget().acquire('')).rejects.toThrow(
      new TypeError('session budget key must be a non-empty string'),
    );
  });
});

describe('file-backed session budget', () => {
  it('writes the documented JSON format, without anything but keys and timestamps', async () => {
    const file = join(dir, 'nested', 'dir', 'budget.json');
    const clock = fakeClock(1_000_000);
    const budget = createSessionBudget({ maxSessions: 5, windowMs: 300_000, stateFile: file, clock });
    await budget.acquire(KEY);
    clock.advance(5);
    await budget.acquire(KEY);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, keys: { [KEY]: [1_000_000, 1_000_005] } });
  });

  it('shares the budget between instances on the same file and prunes expired entries of every key', async () => {
    const file = join(dir, 'budget.json');
    const clock = fakeClock(0);
    const a = createSessionBudget({ maxSessions: 2, windowMs: 1000, stateFile: file, clock });
    const b = createSessionBudget({ maxSessions: 2, windowMs: 1000, stateFile: file, clock });
    await a.acquire('old');
    await a.acquire(KEY);
    clock.advance(500);
    await b.acquire(KEY);
    expect((await rejection(a.acquire(KEY))).code).toBe('ERR_SESSION_BUDGET_EXHAUSTED');
    clock.advance(500);
    await b.acquire(KEY);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, keys: { [KEY]: [500, 1000] } });
  });

  const CORRUPT = [
    ['not JSON', '{"version":1,"keys":{', 'not JSON'],
    ['another version', '{"version":2,"keys":{}}', 'not a version 1 budget state'],
    ['wrong shape', '{"version":1,"keys":{"k":"x"}}', 'a key without a list of timestamps'],
    ['non-numeric timestamps', '{"version":1,"keys":{"k":[1,"2"]}}', 'a key without a list of timestamps'],
    ['an array', '[]', 'not a version 1 budget state'],
  ] as const;

  it.each(CORRUPT)(
    'refuses a corrupt file (%s) with ERR_BUDGET_STATE_CORRUPT and leaves it as it is',
    async (_what, content, reason) => {
      const file = join(dir, 'budget.json');
      await writeFile(file, content);
      const budget = createSessionBudget({ maxSessions: 1, windowMs: 1000, stateFile: file, clock: fakeClock(7) });
      for (const call of [() => budget.acquire(KEY), () => budget.peek(KEY)]) {
        const error = await rejection(call());
        expect(error.code).toBe('ERR_BUDGET_STATE_CORRUPT');
        expect(error.message).toBe(
          `The session budget state file ${file} is corrupt (${reason}); not treating it as empty, which would ` +
            "let new sessions past the licence limit. Repair or remove it, or reset it with budget onCorruptState 'reset' " +
            '(qixflow: --reset-budget-state).',
        );
      }
      expect(await readFile(file, 'utf8')).toBe(content);
    },
  );

  it.each(CORRUPT)(
    "with onCorruptState 'reset', treats a corrupt file (%s) as empty and rewrites it",
    async (_what, content) => {
      const file = join(dir, 'budget.json');
      await writeFile(file, content);
      const budget = createSessionBudget({
        maxSessions: 1,
        windowMs: 1000,
        stateFile: file,
        clock: fakeClock(7),
        onCorruptState: 'reset',
      });
      expect(await budget.peek(KEY)).toEqual({ used: 0, limit: 1, retryAt: undefined });
      await budget.acquire(KEY);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, keys: { [KEY]: [7] } });
    },
  );

  it('treats an empty file as a fresh one (another process created it and has not written yet)', async () => {
    const file = join(dir, 'budget.json');
    await writeFile(file, '');
    const budget = createSessionBudget({ maxSessions: 1, windowMs: 1000, stateFile: file, clock: fakeClock(7) });
    await budget.acquire(KEY);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, keys: { [KEY]: [7] } });
  });

  it("with onCorruptState 'reset', repairs a corrupt file even when the answer is a refusal", async () => {
    const file = join(dir, 'budget.json');
    const budget = createSessionBudget({
      maxSessions: 1,
      windowMs: 1000,
      stateFile: file,
      clock: fakeClock(7),
      onCorruptState: 'reset',
    });
    await budget.acquire(KEY);
    await writeFile(file, 'garbage');
    await budget.acquire(KEY); // corrupt → reset → granted
    await writeFile(file, JSON.stringify({ version: 1, keys: { [KEY]: [7], x: [1, 2] }, extra: true }));
    await rejection(budget.acquire(KEY));
    await rejection(budget.acquire(KEY));
  });

  it('rejects an unknown onCorruptState with a TypeError', () => {
    expect(() =>
      createSessionBudget({ stateFile: join(dir, 'b.json'), onCorruptState: 'ignore' as unknown as 'reset' }),
    ).toThrow(new TypeError("options.onCorruptState must be 'error' or 'reset' (got ignore)"));
  });

  it('takes over a stale lock left by a crashed process', async () => {
    const file = join(dir, 'budget.json');
    await writeFile(file, '{"version":1,"keys":{}}');
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 20_000);
    await utimes(`${file}.lock`, old, old);
    const budget = createSessionBudget({ maxSessions: 1, windowMs: 1000, stateFile: file });
    await budget.acquire(KEY);
    expect((await budget.peek(KEY)).used).toBe(1);
  });

  it('fails with ERR_TIMEOUT, not a hang, while another process holds a fresh lock', async () => {
    const file = join(dir, 'budget.json');
    await writeFile(file, '{"version":1,"keys":{}}');
    await mkdir(`${file}.lock`);
    const budget = createSessionBudget({ maxSessions: 1, windowMs: 1000, stateFile: file });
    const started = Date.now();
    const error = await rejection(budget.acquire(KEY));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toBe(
      `Could not lock the session budget file ${file}: another process holds ${file}.lock ` +
        '(a lock left by a crashed process counts as stale after 10 s).',
    );
    // Nothing was recorded, and the foreign lock was left alone.
    await rm(`${file}.lock`, { recursive: true });
    expect((await budget.peek(KEY)).used).toBe(0);
    await budget.acquire(KEY);
  });

  it('reports an unusable state file path as ERR_OPTIONS_INVALID', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, '');
    const budget = createSessionBudget({ stateFile: join(blocker, 'budget.json') });
    const error = await rejection(budget.acquire(KEY));
    expect(error.code).toBe('ERR_OPTIONS_INVALID');
    expect(error.message).toBe(`budget.stateFile: cannot prepare ${join(blocker, 'budget.json')} (EEXIST)`);
  });

  it('never grants more than the limit in total to several processes acquiring concurrently', async () => {
    const file = join(dir, 'shared.json');
    const script = join(dir, 'child.mjs');
    const limit = 7;
    const processes = 4;
    const perProcess = 6;
    // Each child loads the TypeScript source through tsx, reports "ready", waits for "go" on stdin
    // so that all of them start acquiring at the same moment, then prints its outcome as JSON.
    await writeFile(
      script,
      `import { createSessionBudget } from ${JSON.stringify(budgetModule)};
const budget = createSessionBudget({ maxSessions: ${limit}, windowMs: 300000, stateFile: ${JSON.stringify(file)} });
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  const results = await Promise.allSettled(Array.from({ length: ${perProcess} }, () => budget.acquire('shared-user')));
  const out = { granted: 0, refused: 0, other: [] };
  for (const r of results) {
    if (r.status === 'fulfilled') out.granted++;
    else if (r.reason.code === 'ERR_SESSION_BUDGET_EXHAUSTED') out.refused++;
    else out.other.push(String(r.reason && r.reason.message));
  }
  process.stdout.write(JSON.stringify(out) + '\\n');
  process.exit(0);
});
`,
    );

    const children = Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, ['--conditions=@qixflow/source', '--import', 'tsx', script], {
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
      const ready = new Promise<void>((resolveReady, reject) => {
        const onData = (): void => {
          if (stdout.includes('ready\n')) {
            child.stdout.off('data', onData);
            resolveReady();
          }
        };
        child.stdout.on('data', onData);
        child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
      });
      const done = new Promise<{ granted: number; refused: number; other: string[] }>((resolveDone, reject) => {
        child.once('exit', (code) => {
          if (code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
          else resolveDone(JSON.parse(stdout.split('\n')[1] ?? '') as { granted: number; refused: number; other: [] });
        });
      });
      return { child, ready, done };
    });

    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.end('go\n');
    const outcomes = await Promise.all(children.map((c) => c.done));

    expect(outcomes.flatMap((o) => o.other)).toEqual([]);
    expect(outcomes.reduce((sum, o) => sum + o.granted, 0)).toBe(limit);
    expect(outcomes.reduce((sum, o) => sum + o.refused, 0)).toBe(processes * perProcess - limit);
    const state = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, number[]> };
    expect(state.keys['shared-user']).toHaveLength(limit);
  }, 60_000);
});
