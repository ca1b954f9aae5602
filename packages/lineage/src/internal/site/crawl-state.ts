import { readFile } from 'node:fs/promises';
import type { AppReport } from '../../generated/lineage-graph.js';
import { atomicWrite } from '../util/atomic-write.js';

/** What the state file remembers about an extracted app. */
export interface AppState {
  readonly name: string;
  readonly modifiedDate: string | null;
  readonly lastReloadTime: string | null;
  /** When the app's last reload failed (after its last success), if it did; absent in older state files. */
  readonly lastReloadFailure?: string | null;
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

/** A loaded state, and why the file was not used when it was there but could not be. */
export interface LoadedCrawlState {
  readonly state: CrawlState;
  /** `undefined` when the file was used or did not exist. */
  readonly discarded: string | undefined;
}

/**
 * Loads the state file. Missing: an empty state. Unreadable, corrupt, or made for another host: an
 * empty state too (every app is extracted again), with the reason in `discarded` so that the caller
 * can say so before the re-crawl starts.
 */
export async function loadCrawlState(file: string, host: string): Promise<LoadedCrawlState> {
  const empty: CrawlState = { version: 1, host, apps: {} };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return { state: empty, discarded: undefined };
    return { state: empty, discarded: `cannot be read (${typeof code === 'string' ? code : String(error)})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: empty, discarded: 'is not JSON' };
  }
  const problem = stateProblem(parsed);
  if (problem !== undefined) return { state: empty, discarded: problem };
  const state = parsed as CrawlState;
  if (state.host !== host) return { state: empty, discarded: `was made for another host (${state.host})` };
  return { state: { version: 1, host, apps: state.apps }, discarded: undefined };
}

const STRING_FIELDS = ['name', 'contentHash', 'fragment', 'fragmentHash', 'status', 'options'] as const;

function stateProblem(value: unknown): string | undefined {
  const record = value as Partial<CrawlState> | null;
  if (typeof value !== 'object' || record === null || Array.isArray(value)) return 'is not a JSON object';
  if (record.version !== 1) return `has version ${JSON.stringify(record.version)}, not 1`;
  if (typeof record.host !== 'string') return 'has no host';
  if (typeof record.apps !== 'object' || record.apps === null || Array.isArray(record.apps)) return 'has no apps';
  for (const [appId, entry] of Object.entries(record.apps)) {
    const fields = entry as unknown as Record<string, unknown> | null;
    const bad = STRING_FIELDS.find((f) => typeof fields?.[f] !== 'string');
    if (bad !== undefined) return `has an app entry (${appId}) without ${bad}`;
  }
  return undefined;
}

/**
 * Saves the state after each app: atomic writes (a crash leaves the previous state), coalesced (while
 * one write runs, later changes wait for a single next write), so a big crawl does not rewrite the
 * file once per app. A failed save (`ERR_LINEAGE_OUTPUT`) is kept and thrown by {@link flush} unless a
 * later save succeeds: the saves run in the background, where nobody would see it.
 */
export class CrawlStateWriter {
  readonly #file: string;
  readonly #state: CrawlState;
  #running: Promise<void> | undefined;
  #dirty = false;
  #error: unknown;

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
        this.#error = undefined;
      }
    } catch (error) {
      this.#error = error;
    } finally {
      this.#running = undefined;
    }
  }

  /** Waits until everything changed so far is on disk; throws when the last save failed. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#dirty) {
      this.#running = this.#loop();
      await this.#running;
    }
    if (this.#error !== undefined) throw this.#error;
  }
}
