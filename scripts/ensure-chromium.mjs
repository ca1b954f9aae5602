// The rx browser test drives Debian's Chromium through playwright-core (no browser downloads).
// Before `pnpm test`, make sure it is there: install it with apt-get when running as root on
// Debian, otherwise say exactly what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.log('installing Debian chromium for the browser tests (apt-get install chromium) …');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.error(`The browser tests need ${CHROMIUM}: run \`sudo apt-get install chromium\` (Debian) first.`);
    process.exit(1);
  }
}
