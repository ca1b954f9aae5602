import { Presets, SingleBar } from 'cli-progress';
import type { Terminal } from './terminal.js';

/** Progress of a multi-step job: a bar on a terminal, plain lines otherwise. */
export interface Progress {
  /** `done` of `total` finished; `label` says what is running or just finished. */
  update(done: number, total: number, label: string): void;
  /** A line that must not be overwritten by the bar (a failure, say). */
  log(line: string): void;
  stop(): void;
}

/**
 * A progress reporter on stderr: a cli-progress bar when stderr is a terminal, otherwise one plain
 * line per step (`[3/5] Finance`) so logs and CI output stay readable.
 *
 * @example
 * ```ts
 * const progress = createProgress(terminal, 'lineage');
 * progress.update(1, 5, 'Sales Extract');
 * progress.stop();
 * ```
 */
export function createProgress(terminal: Terminal, title: string): Progress {
  if (!terminal.interactive) {
    let last = '';
    return {
      update: (done, total, label) => {
        const line = `[${done}/${total}] ${label}`;
        if (line !== last) terminal.err(line);
        last = line;
      },
      log: (line) => terminal.err(line),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar(
    {
      format: `${title} [{bar}] {value}/{total} apps | {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total, label) => {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    log: (line) => {
      // Clear the bar's line, print, and let the next update redraw it.
      if (started) process.stderr.write('\r\x1b[2K');
      terminal.err(line);
      if (started) bar.render();
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
