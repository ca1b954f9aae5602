import type { SiteChangeEvent } from '@qixflow/core';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { ConnectionFlags } from '../connection/connection-options.js';
import { openSite } from '../connection/open-site.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { parseChangeFilter } from '../internal/change-filter.js';
import { untilAborted } from '../internal/interrupt.js';
import { startSiteFeed } from '../internal/site-feed.js';
import { readWatchCursor, watchCursorFile, writeWatchCursor } from '../internal/watch-cursor.js';

/** Flags of `qixflow watch --site`. */
export interface WatchSiteFlags extends ConnectionFlags {
  json?: boolean;
  stream?: string[];
  filter?: string[];
  intervalMs?: number;
  maxIntervalMs?: number;
  /** `--no-resume` sets it false: start from now instead of the stored cursor. */
  resume?: boolean;
}

/**
 * `qixflow watch --site`: the site's changes (apps created, updated, published, deleted, reloaded;
 * reloads failed; tasks started) as they happen, one line each (NDJSON with `--json`), until Ctrl-C.
 * Polls QRS over the site's one proxy session; the feed's cursor is stored per site and user in the
 * state folder (0600), so a restarted watch goes on where the last one stopped — nothing repeated,
 * nothing lost.
 *
 * @example
 * ```ts
 * await watchSiteCommand({ json: true, filter: ['type=app.reloaded'], ...connection }, context);
 * ```
 */
export async function watchSiteCommand(flags: WatchSiteFlags, context: CliContext): Promise<ExitCode> {
  const { terminal } = context;
  const pass = parseChangeFilter(flags.filter ?? []);
  const minIntervalMs = flags.intervalMs ?? 2000;
  const maxIntervalMs = flags.maxIntervalMs ?? Math.max(30_000, minIntervalMs);
  if (maxIntervalMs < minIntervalMs) {
    throw new CliError('ERR_USAGE', '--max-interval-ms must not be below --interval-ms', {
      fix: 'e.g. --interval-ms 1000 --max-interval-ms 10000',
    });
  }
  const { site, label } = await openSite(flags, context, 'watch');
  try {
    const info = await site.sessionInfo();
    const cursorFile = watchCursorFile(context.env, info.site, info.user);
    const stored = flags.resume === false ? undefined : await readWatchCursor(cursorFile, info.site, info.user);
    if (stored?.problem !== undefined) {
      terminal.err(`warning: the watch cursor ${cursorFile} ${stored.problem}: starting from now`);
    }
    const print = (event: SiteChangeEvent): void => {
      if (!pass(event)) return;
      terminal.out(flags.json === true ? JSON.stringify(eventJson(event)) : formatChange(event));
    };

    let feed: Awaited<ReturnType<typeof startSiteFeed>> | undefined;
    // The cursor is saved after every burst of changes (one poll's worth), and at the end.
    let saving: Promise<void> = Promise.resolve();
    let saveScheduled = false;
    const save = (): Promise<void> => {
      const cursor = feed?.cursor();
      if (cursor === undefined) return saving;
      saving = saving
        .then(() => writeWatchCursor(cursorFile, info.site, info.user, cursor))
        .catch((error: unknown) => {
          terminal.err(`warning: cannot store the watch cursor in ${cursorFile}: ${(error as Error).message}`);
        });
      return saving;
    };
    const onChange = (event: SiteChangeEvent): void => {
      print(event);
      if (saveScheduled) return;
      saveScheduled = true;
      queueMicrotask(() => {
        saveScheduled = false;
        void save();
      });
    };
    feed = await startSiteFeed(
      site,
      {
        minIntervalMs,
        maxIntervalMs,
        ...(stored?.cursor !== undefined ? { cursor: stored.cursor } : {}),
        ...(flags.stream !== undefined && flags.stream.length > 0 ? { streams: flags.stream } : {}),
        onChange,
      },
      context,
    );
    await save();
    if (flags.json !== true) {
      const from = stored?.cursor !== undefined ? 'going on from the stored cursor' : 'from now';
      terminal.err(`watching the changes of ${label} as ${info.user} (${from}); Ctrl-C to stop`);
    }
    const closed = new Promise<void>((resolve) => feed?.once('close', () => resolve()));
    // The feed's timers do not hold the process open (a library's should not): this does, until the end.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      await Promise.race([untilAborted(context.interrupted), closed]);
    } finally {
      clearInterval(keepAlive);
    }
    feed.close();
    await save();
    if (flags.json !== true) terminal.err('stopped');
    return EXIT_CODES.ok;
  } finally {
    await site.close();
  }
}

/** The event as one JSON object: the common fields first, absent values as null. */
function eventJson(event: SiteChangeEvent): Record<string, unknown> {
  const { type, appId, appName, stream, at, ...rest } = event;
  const json: Record<string, unknown> = { type, appId, appName, stream: stream ?? null, at };
  for (const [key, value] of Object.entries(rest)) json[key] = value ?? null;
  return json;
}

/**
 * One line for a terminal: `2026-06-29 02:01:12  app.reloaded    "Sales Dashboard"  stream Sales  in 4.2 s, task 7d1e…`.
 *
 * @example
 * ```ts
 * formatChange({ type: 'app.deleted', appId: 'a1', appName: 'Old', stream: undefined, at: '2026-06-29T02:01:12.000Z' });
 * ```
 */
function formatChange(event: SiteChangeEvent): string {
  const stream = event.stream === undefined ? 'no stream' : `stream ${event.stream}`;
  const head = `${localTime(event.at)}  ${event.type.padEnd(14)}  ${JSON.stringify(event.appName)}  ${stream}`;
  const details = changeDetails(event);
  return details === '' ? head : `${head}  ${details}`;
}

function changeDetails(event: SiteChangeEvent): string {
  switch (event.type) {
    case 'app.updated':
      return `changed ${event.changed.join(', ')}`;
    case 'app.reloaded': {
      const parts = [
        ...(event.durationMs === undefined ? [] : [`in ${(event.durationMs / 1000).toFixed(1)} s`]),
        ...(event.taskId === undefined ? ['not by a task'] : [`task ${event.taskId}`]),
      ];
      return parts.join(', ');
    }
    case 'reload.failed': {
      const last = event.logTail.at(-1);
      return `task ${JSON.stringify(event.taskName)}: ${event.error}${last === undefined ? '' : ` | log: ${last.trim()}`}`;
    }
    case 'task.started':
      return `task ${JSON.stringify(event.taskName)}`;
    default:
      return '';
  }
}

/** `2026-06-29T02:01:12.000Z` → `2026-06-29 04:01:12` in the local time zone (the text as it is if no date). */
function localTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}
