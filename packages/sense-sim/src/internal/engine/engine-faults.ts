import { ENGINE_ERRORS } from '@qixflow/qix';
import { EngineError } from './rpc/engine-error.js';

interface Failure {
  method: string;
  remaining: number;
  error: { code: number; message: string; parameter: string };
}

interface Delay {
  method: string | undefined;
  ms: number;
  remaining: number;
}

/** Engine-side faults switched on by the control API. */
export class EngineFaults {
  readonly #failures: Failure[] = [];
  readonly #delays: Delay[] = [];

  /** The next `count` calls of `method` fail with the given engine error. */
  failNext(
    method: string,
    options: { count?: number; code?: number; message?: string; parameter?: string } = {},
  ): void {
    this.#failures.push({
      method,
      remaining: options.count ?? 1,
      error: {
        code: options.code ?? ENGINE_ERRORS.LOCERR_INTERNAL_ERROR.code,
        message: options.message ?? ENGINE_ERRORS.LOCERR_INTERNAL_ERROR.title,
        parameter: options.parameter ?? '',
      },
    });
  }

  /** Hold responses (of `method`, or all) for `ms`, for the next `count` calls (default: until reset). */
  delay(options: { method?: string; ms: number; count?: number }): void {
    this.#delays.push({ method: options.method, ms: options.ms, remaining: options.count ?? Number.POSITIVE_INFINITY });
  }

  injectedError(method: string): EngineError | undefined {
    const failure = this.#failures.find((f) => f.method === method && f.remaining > 0);
    if (!failure) return undefined;
    failure.remaining--;
    if (failure.remaining === 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
    return new EngineError(failure.error.code, failure.error.message, failure.error.parameter);
  }

  delayFor(method: string): number {
    const delay = this.#delays.find((d) => (d.method === undefined || d.method === method) && d.remaining > 0);
    if (!delay) return 0;
    delay.remaining--;
    if (delay.remaining === 0) this.#delays.splice(this.#delays.indexOf(delay), 1);
    return delay.ms;
  }

  reset(): void {
    this.#failures.length = 0;
    this.#delays.length = 0;
  }
}
