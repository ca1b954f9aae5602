import { AsyncLocalStorage } from 'node:async_hooks';

/** Gives up a lock acquired by a {@link KeyedLock} caller (e.g. removes a lock file). */
export type ReleaseLock = () => Promise<void>;

interface Hold {
  released: boolean;
}

/**
 * Mutual exclusion per key inside one process, re-entrant along an async call chain. Cross-process
 * locks (proper-lockfile) answer a second attempt from the same process with ELOCKED, exactly as
 * they answer another process, so callers queue here first and only the head of each queue competes
 * for the cross-process lock.
 *
 * @example
 * ```ts
 * const locks = new KeyedLock();
 * await locks.run(lockPath, () => takeFileLock(lockPath), async () => readModifyWrite());
 * ```
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #held = new AsyncLocalStorage<ReadonlyMap<string, Hold>>();

  /**
   * Runs `fn` while holding `key`: queued behind earlier holders in this process, then `acquire`
   * (the cross-process part, if any), then `fn`, then the release — also when `fn` throws. A call
   * made from inside `fn` (same async chain) for the same key runs at once instead of waiting for
   * itself forever.
   */
  run<T>(key: string, acquire: () => Promise<ReleaseLock>, fn: () => Promise<T>): Promise<T> {
    const outer = this.#held.getStore();
    const hold = outer?.get(key);
    if (hold !== undefined && !hold.released) return fn();

    const previous = this.#tails.get(key) ?? Promise.resolve();
    const task = async (): Promise<T> => {
      const release = await acquire();
      const mine: Hold = { released: false };
      const held = new Map(outer ?? []);
      held.set(key, mine);
      try {
        return await this.#held.run(held, fn);
      } finally {
        // A detached task started by fn may call back later: it must then queue like anyone else.
        mine.released = true;
        await release();
      }
    };
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }
}
