import type { Clock } from '../../clock.js';
import type { ProxySession } from './proxy-session-store.js';

/** The licence rules of the proxy a session came through. */
export interface LicenceRules {
  kind: 'professional' | 'core-based';
  maxParallelSessions: number;
  cooldownMs: number;
}

export type LicenceDecision = { granted: true } | { granted: false; sessionCount: number; freeAt: number };

interface UserSlots {
  /** Sessions holding a slot, by ref. */
  active: Map<number, number>;
  /** When each released slot becomes usable again. */
  coolingUntil: number[];
}

/**
 * Identified-user licence accounting (Professional/Analyzer access): at most N parallel proxy
 * sessions per user, and a slot freed by an ended session is reusable only after the cool-down.
 * Counted per user across virtual proxies (two proxies = two sessions); core-based access is exempt.
 */
export class LicencePool {
  readonly #users = new Map<string, UserSlots>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Gives the session a slot if it has none yet; idempotent. */
  allocate(session: ProxySession, rules: LicenceRules): LicenceDecision {
    if (rules.kind === 'core-based') return { granted: true };
    const slots = this.#slots(session);
    if (slots.active.has(session.ref)) return { granted: true };
    const now = this.#clock.now();
    slots.coolingUntil = slots.coolingUntil.filter((t) => t > now);
    const used = slots.active.size + slots.coolingUntil.length;
    if (used >= rules.maxParallelSessions) {
      const freeAt = slots.coolingUntil.length > 0 ? Math.min(...slots.coolingUntil) : Number.POSITIVE_INFINITY;
      return { granted: false, sessionCount: used, freeAt };
    }
    slots.active.set(session.ref, rules.cooldownMs);
    return { granted: true };
  }

  /** Called when a session ended: its slot starts cooling down. */
  release(session: ProxySession): void {
    const slots = this.#users.get(key(session));
    const cooldown = slots?.active.get(session.ref);
    if (!slots || cooldown === undefined) return;
    slots.active.delete(session.ref);
    slots.coolingUntil.push(this.#clock.now() + cooldown);
  }

  #slots(session: ProxySession): UserSlots {
    const k = key(session);
    let slots = this.#users.get(k);
    if (!slots) {
      slots = { active: new Map(), coolingUntil: [] };
      this.#users.set(k, slots);
    }
    return slots;
  }
}

function key(session: ProxySession): string {
  return `${session.user.userDirectory}\\${session.user.userId}`.toLowerCase();
}
