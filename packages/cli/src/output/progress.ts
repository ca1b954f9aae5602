import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { escapeControl } from './escape-control.js';
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
        const line = `[${done}/${total}] ${clean(label)}`;
        if (line !== last) terminal.err(line);
        last = line;
      },
      log: (line) => terminal.err(line),
      stop: () => undefined,
    };
  }
  // A MultiBar with one bar, not a SingleBar: SingleBar restores the cursor it saved at start when it
  // stops, so lines logged meanwhile (failures) were overwritten by what came next (the summary).
  // MultiBar prints logged lines above the bar and clears only its own line when it stops.
  const bars = new MultiBar(
    {
      format: `${title} [{bar}] {value}/{total} apps | {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  let bar: SingleBar | undefined;
  let stopped = false;
  return {
    update: (done, total, label) => {
      if (stopped) return;
      if (bar === undefined) bar = bars.create(total, done, { label: clean(label) });
      else {
        bar.setTotal(total);
        bar.update(done, { label: clean(label) });
      }
    },
    log: (line) => {
      if (bar === undefined || stopped) terminal.err(line);
      else {
        bars.log(`${terminal.redact(line)}\n`);
        // Logged lines are printed at the next redraw: draw now, a failure must not wait.
        bars.update();
      }
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (bar !== undefined) bars.stop();
    },
  };
}

/** Labels are app names from the server: control characters shown escaped, as everywhere else. */
function clean(label: string): string {
  return escapeControl(label);
}
