/**
 * Headless Chromium for the browser tests of every package. Debian's Chromium is used (the root
 * `pretest` step, `scripts/ensure-chromium.mjs`, installs it when missing): tests never download
 * a browser.
 */

import { existsSync } from 'node:fs';

/** Debian's Chromium. */
const CHROMIUM = '/usr/bin/chromium';

/** A quiet headless Chromium: no sandbox (containers), no GPU, no background network traffic. */
const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails fast, before a test starts any work, when Debian's Chromium is not installed. */
export function requireChromium(test: string): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`${test} needs Chromium at ${CHROMIUM} (Debian: apt-get install chromium); it was not found`);
}

/**
 * Launches Debian's Chromium through playwright-core's `chromium` — passed in, so that the package
 * running the test owns the playwright-core dependency.
 */
export function launchChromium<Browser>(chromium: {
  launch(options: { executablePath: string; args: string[] }): Promise<Browser>;
}): Promise<Browser> {
  requireChromium('this browser test');
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}
