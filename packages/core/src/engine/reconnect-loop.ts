import type { Timers } from '../site-options.js';

/** Backoff settings of a site (`reconnect` option, defaulted). */
interface ReconnectPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** What one run of the loop needs; everything time- or chance-related is injected. */
export interface ReconnectLoopDeps {
  policy: ReconnectPolicy;
  timers: Timers;
  random: () => number;
  /** Before each wait, so listeners can show progress. */
  onAttempt(info: { attempt: number; delayMs: number }): void;
  /** False once the connection was closed meanwhile: the loop stops without a result. */
  shouldContinue(): boolean;
  /** One resume attempt; throws when it failed. */
  attempt(attempt: number): Promise<void>;
  /** Whether a failure is final (no further attempt can help). */
  isFinal(error: unknown): boolean;
}

/** How a run ended. */
export type ReconnectOutcome =
  | { kind: 'resumed'; attempt: number }
  | { kind: 'gave-up'; lastError: unknown; final: boolean }
  | { kind: 'cancelled' };

/**
 * Exponential backoff with jitter (half to full delay), bounded attempts. The jitter keeps many
 * clients of one restarted engine from coming back in the same millisecond.
 */
export async function reconnectLoop(deps: ReconnectLoopDeps): Promise<ReconnectOutcome> {
  const { policy, timers, random } = deps;
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.round(base * (0.5 + random() * 0.5));
    deps.onAttempt({ attempt, delayMs });
    await new Promise<void>((resolve) => timers.setTimeout(resolve, delayMs));
    if (!deps.shouldContinue()) return { kind: 'cancelled' };
    try {
      await deps.attempt(attempt);
      return { kind: 'resumed', attempt };
    } catch (error) {
      lastError = error;
      if (deps.isFinal(error)) return { kind: 'gave-up', lastError, final: true };
    }
  }
  return { kind: 'gave-up', lastError, final: false };
}
