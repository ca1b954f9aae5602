import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { QixApi, QixListener } from '../../src/index.js';
import { isRxQixError, refetchOnChange } from '../../src/index.js';

/**
 * Timing of refetchOnChange in virtual time. The "API object" here is a bare event emitter with
 * the structural shape rx accepts; the fetches are cold marbles (an Observable fetch is cancelled
 * by unsubscribing — the subscription marbles show exactly when).
 */
class Emitter implements QixApi {
  readonly id = 'obj';
  readonly handle = 7;
  readonly type = 'GenericObject';
  readonly #listeners = new Map<string, QixListener[]>();

  on(event: string, listener: QixListener): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
  }

  removeListener(event: string, listener: QixListener): void {
    this.#listeners.set(
      event,
      (this.#listeners.get(event) ?? []).filter((l) => l !== listener),
    );
  }

  emit(event: string): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) (listener as () => void)();
  }

  count(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }
}

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Emits `event` on the emitter at every frame of `marbles`. */
function drive(api: Emitter, events: Observable<string>): void {
  events.subscribe((event) => api.emit(event));
}

describe('refetchOnChange (virtual time)', () => {
  it('fetches on subscribe and again after an invalidation', () => {
    const ts = scheduler();
    ts.run(({ cold, hot, expectObservable }) => {
      const api = new Emitter();
      const fetches = [cold('--(a|)'), cold('--(b|)')];
      let n = 0;
      drive(api, hot('-----c', { c: 'changed' }));
      expectObservable(refetchOnChange(api, () => fetches[n++] as Observable<string>, { scheduler: ts })).toBe(
        '--a----b',
      );
    });
  });

  it('coalesces a burst of invalidations announced in one turn into one fetch', () => {
    const ts = scheduler();
    ts.run(({ cold, hot, expectObservable, flush }) => {
      const api = new Emitter();
      let n = 0;
      const values = ['a', 'b', 'c', 'd'];
      drive(api, hot('-----(cccc)', { c: 'changed' }));
      expectObservable(refetchOnChange(api, () => cold('--(v|)', { v: values[n++] }), { scheduler: ts })).toBe(
        '--a----b',
      );
      flush();
      expect(n).toBe(2);
    });
  });

  it('cancels the in-flight fetch when an invalidation supersedes it, then fetches once more', () => {
    const ts = scheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const api = new Emitter();
      const first = cold('----(a|)');
      const second = cold('----(b|)');
      const fetches = [first, second];
      let n = 0;
      drive(api, hot('-(cc)', { c: 'changed' }));
      expectObservable(refetchOnChange(api, () => fetches[n++] as Observable<string>, { scheduler: ts })).toBe(
        '-----b',
      );
      // the first fetch is unsubscribed (cancelled) at the invalidation; "a" never arrives
      expectSubscriptions(first.subscriptions).toBe('^!');
      expectSubscriptions(second.subscriptions).toBe('-^---!');
    });
  });

  it('lets invalidations announced during the scheduled turn count once', () => {
    const ts = scheduler();
    ts.run(({ cold, hot, expectObservable, flush }) => {
      const api = new Emitter();
      let n = 0;
      drive(api, hot('---c--(cc)', { c: 'changed' }));
      // a: 0→2; c@3 → fetch 3→5 (b); c,c@6 → one fetch 6→8 (c)
      expectObservable(refetchOnChange(api, () => cold('--(v|)', { v: 'abc'[n++] }), { scheduler: ts })).toBe(
        '--a--b--c',
      );
      flush();
      expect(n).toBe(3);
    });
  });

  it('completes when the handle closes, cancelling the in-flight fetch', () => {
    const ts = scheduler();
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const api = new Emitter();
      const slow = cold('-----(a|)');
      drive(api, hot('--x', { x: 'closed' }));
      expectObservable(refetchOnChange(api, () => slow, { scheduler: ts })).toBe('--|');
      expectSubscriptions(slow.subscriptions).toBe('^-!');
    });
  });

  it('cancels the in-flight fetch and removes its listeners when the subscriber leaves', () => {
    const ts = scheduler();
    const api = new Emitter();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('-----(a|)');
      expectObservable(
        refetchOnChange(api, () => slow, { scheduler: ts }),
        '^--!',
      ).toBe('---');
      expectSubscriptions(slow.subscriptions).toBe('^--!');
    });
    expect(api.count('changed')).toBe(0);
    expect(api.count('closed')).toBe(0);
  });

  it('fails with an RxQixError carrying the engine code and method', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const api = new Emitter();
      const failing = cold(
        '--#',
        undefined,
        Object.assign(new Error('Resource not found'), { code: 2, parameter: 'x' }),
      );
      expectObservable(refetchOnChange(api, () => failing, { scheduler: ts, method: 'GetLayout' })).toBe(
        '--#',
        undefined,
        expect.objectContaining({ code: 'ERR_ENGINE', engineCode: 2, method: 'GetLayout', parameter: 'x' }),
      );
    });
  });

  it('waits through a suspended session and refetches on the next change (the resume)', () => {
    const ts = scheduler();
    ts.run(({ cold, hot, expectObservable }) => {
      const api = new Emitter();
      const suspended = Object.assign(new Error('Session suspended'), { code: -11, enigmaError: true });
      const fetches = [cold('-#', undefined, suspended), cold('-(a|)')];
      let n = 0;
      drive(api, hot('-----c', { c: 'changed' }));
      expectObservable(refetchOnChange(api, () => fetches[n++] as Observable<string>, { scheduler: ts })).toBe(
        '------a',
      );
    });
  });

  it('retries a fetch the engine aborted on its own (15), up to abortedRetries times', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const api = new Emitter();
      const aborted = Object.assign(new Error('Request aborted'), { code: 15, parameter: '' });
      let n = 0;
      const fetch = (): Observable<string> => (n++ < 2 ? cold('-#', undefined, aborted) : cold('-(a|)'));
      expectObservable(refetchOnChange(api, fetch, { scheduler: ts })).toBe('---a');
    });
    const again = scheduler();
    again.run(({ cold, expectObservable }) => {
      const api = new Emitter();
      const aborted = Object.assign(new Error('Request aborted'), { code: 15, parameter: '' });
      expectObservable(
        refetchOnChange(api, () => cold('-#', undefined, aborted), { scheduler: again, abortedRetries: 1 }),
      ).toBe('--#', undefined, expect.objectContaining({ code: 'ERR_ENGINE', engineCode: 15 }));
    });
  });

  it('rejects bad arguments with a TypeError naming them', () => {
    expect(() => refetchOnChange({} as QixApi, () => [])).toThrow(/api must be an enigma.js API object/);
    expect(() => refetchOnChange(new Emitter(), 'x' as never)).toThrow(TypeError);
    expect(() => refetchOnChange(new Emitter(), () => [], { abortedRetries: -1 })).toThrow(/abortedRetries/);
    expect(() => refetchOnChange(new Emitter(), () => [], { scheduler: {} as never })).toThrow(/options.scheduler/);
    expect(() => refetchOnChange(new Emitter(), () => [], { global: {} as never })).toThrow(/options.global/);
    expect(isRxQixError(new Error('x'))).toBe(false);
  });
});
