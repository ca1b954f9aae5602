/**
 * A separate process using a file session store, driven by session-store-processes.test.ts.
 *
 *   increment <file> <sleepMs>  prints "ready", waits for a line on stdin, then under withLock:
 *                               reads the counter kept in the stored session, sleeps, writes it + 1.
 *                               A marker file created exclusively inside the lock detects overlap.
 *   hold <file>                 takes the lock, prints "locked", and waits to be killed.
 */
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileSessionStore } from '../../../src/session/file-session-store.js';

const SITE = 'https://sense.example.com:443|jwt';
const USER = 'CORP\\alice';

const [mode, file, sleepArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: session-store-child.ts increment|hold <file> [sleepMs]');
const store = createFileSessionStore({ file, lockStaleMs: 2000 });

if (mode === 'increment') {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const marker = `${file}.inside`;
  await store.withLock(SITE, USER, async () => {
    // 'wx' fails if another process is inside the lock at the same time.
    await writeFile(marker, String(process.pid), { flag: 'wx' });
    const stored = await store.get(SITE, USER);
    const count = stored === undefined ? 0 : Number(stored.csrfToken);
    await sleep(Number(sleepArg ?? '20'));
    await store.set({
      site: SITE,
      user: USER,
      cookies: [{ name: 'X-Qlik-Session-jwt', value: `cookie-${process.pid}` }],
      csrfToken: String(count + 1),
    });
    await rm(marker);
  });
  process.stdout.write('done\n');
  process.stdin.destroy();
} else if (mode === 'hold') {
  await store.withLock(SITE, USER, async () => {
    process.stdout.write('locked\n');
    // A ref'd timer: the lock's own refresh timer is unref'd and would let the process exit.
    await sleep(600_000);
  });
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
