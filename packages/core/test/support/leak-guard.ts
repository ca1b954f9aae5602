/**
 * The secrets check of the whole core suite (a vitest setup file): every test site records the
 * secrets it handles (private keys, JWTs it sent, cookie values it received) and everything a
 * user could see (error messages and causes, log lines and fields, traffic events); after each
 * test file, no secret may appear in anything seen.
 */
import { afterAll, expect } from 'vitest';

const secrets = new Set<string>();
const seen: string[] = [];

export const leakGuard = {
  secret(value: string | undefined): void {
    if (value && value.length >= 8) secrets.add(value);
  },
  see(text: string): void {
    seen.push(text);
  },
  /** Records an error and its cause chain as a user would see them. */
  seeError(error: unknown): void {
    let current: unknown = error;
    for (let depth = 0; current && depth < 6; depth++) {
      const e = current as { message?: unknown; stack?: unknown; parameter?: unknown; url?: unknown };
      seen.push(String(e.message ?? current), String(e.stack ?? ''), String(e.parameter ?? ''), String(e.url ?? ''));
      try {
        seen.push(JSON.stringify(current));
      } catch {
        // circular: message and stack suffice
      }
      current = (current as { cause?: unknown }).cause;
    }
  },
  counts(): { secrets: number; seen: number } {
    return { secrets: secrets.size, seen: seen.length };
  },
};

afterAll(() => {
  const leaks: string[] = [];
  for (const text of seen) {
    for (const secret of secrets) {
      // PEM keys: check their body lines, not the armour.
      const needles = secret.includes('-----BEGIN')
        ? secret.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'))
        : [secret];
      if (needles.some((n) => text.includes(n))) leaks.push(`${secret.slice(0, 12)}… in ${text.slice(0, 120)}`);
    }
  }
  expect(leaks).toEqual([]);
});
