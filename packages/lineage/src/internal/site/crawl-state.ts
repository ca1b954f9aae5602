import { readFile } from 'node:fs/promises';
import type { AppReport } from '../../generated/lineage-graph.js';
import { atomicWrite } from '../util/atomic-write.js';

/** What the state file remembers about an extracted app. */
export interface AppState {
  readonly name: string;
  readonly modifiedDate: string | null;
  readonly lastReloadTime: string | null;
  /** sha256 of what the engine answered (the snapshot): equal hashes mean equal fragments. */
  readonly contentHash: string;
  /** Fragment file name (in `fragments/`) and its sha256, checked before it is re-used. */
  readonly fragment: string;
  readonly fragmentHash: string;
  readonly status: AppReport['status'];
  /** The extraction options the fragment was made with (a change re-extracts). */
  readonly options: string;
}

/** The resume state of a site crawl (`lineage-state.json`). */
export interface CrawlState {
  readonly version: 1;
  readonly host: string;
  readonly apps: Record<string, AppState>;
}

/** Loads the state file (an empty state when missing, unreadable or of another host). */
export async function loadCrawlState(file: string, host: string): Promise<CrawlState> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CrawlState>;
    if (parsed.version === 1 && parsed.host === host && parsed.apps && typeof parsed.apps === 'object') {
      return { version: 1, host, apps: parsed.apps };
    }
  } catch {
    // missing or corrupt: start over
  }
  return { version: 1, host, apps: {} };
}

/**
 * Saves the state after each app: atomic writes (a crash leaves the previous state), coalesced (while
 * one write runs, later changes wait for a single next write), so a big crawl does not rewrite the
 * file once per app.
 */
export class CrawlStateWriter {
  readonly #file: string;
  readonly #state: CrawlState;
  #running: Promise<void> | undefined;
  #dirty = false;

  constructor(file: string, state: CrawlState) {
    this.#file = file;
    this.#state = state;
  }

  /** Schedules a save of the current state. */
  changed(): void {
    this.#dirty = true;
    if (!this.#running) this.#running = this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await atomicWrite(this.#file, `${JSON.stringify(this.#state, null, 1)}\n`);
      }
    } finally {
      this.#running = undefined;
    }
  }

  /** Waits until everything changed so far is on disk. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#dirty) {
      this.#running = this.#loop();
      await this.#running;
    }
  }
}
