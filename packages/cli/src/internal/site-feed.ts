import type { Site, SiteChangeEvent, SiteChangeFeed, SiteChangesOptions } from '@qixflow/core';
import type { CliContext } from '../cli-context.js';
import { describeError } from '../describe-error.js';

/** Options of {@link startSiteFeed}. */
export interface SiteFeedOptions extends Omit<SiteChangesOptions, 'signal'> {
  /** Every change, in order (from the first poll on: a feed given a cursor reports what it missed). */
  readonly onChange: (event: SiteChangeEvent) => void;
}

/**
 * Starts `site.changes()` for a command and waits for its first poll. The first poll failing ends
 * the command with that error (a wrong key, an unreachable host: better said at once than retried
 * for ever); later failed polls are warnings on stderr — the feed retries from the same cursor.
 *
 * @example
 * ```ts
 * const feed = await startSiteFeed(site, { minIntervalMs: 2000, onChange: print }, context);
 * ```
 */
export async function startSiteFeed(
  site: Site,
  options: SiteFeedOptions,
  context: CliContext,
): Promise<SiteChangeFeed> {
  const { onChange, ...changes } = options;
  const feed = site.changes(changes);
  let firstError: Error | undefined;
  let started = false;
  feed.on('change', onChange);
  feed.on('error', (error) => {
    if (!started) {
      firstError ??= error;
      return;
    }
    const { code, message } = describeError(error);
    context.terminal.err(`warning: polling the site failed (${code}: ${message}); retrying`);
  });
  await feed.ready();
  started = true;
  if (firstError !== undefined) {
    feed.close();
    throw firstError;
  }
  return feed;
}
